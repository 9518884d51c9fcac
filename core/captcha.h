/*
 * captcha: the sum-of-two-numbers challenge of the first page.  The answer
 * stays in table captcha_challenge; the client gets an id and a PNG.  A
 * challenge is single use (consumed by its first check, right or wrong) and
 * expires after 5 minutes.
 */
#ifndef CRS_CAPTCHA_H
#define CRS_CAPTCHA_H

#include <crs/plugin.h>

#define CAPTCHA_TTL_MS (5 * 60 * 1000)

/* GET /api/v1/captcha */
int captcha_handle_new(struct crs_req *req, void *unused);
/* CRS_OK, CRS_EINVAL (wrong), CRS_ETIMEDOUT (expired, used or unknown), or a
 * database error. */
int captcha_check(struct crs_req *req, const char *id, const char *answer);

#endif
