/*
 * outbox: notifications (SMS and email) written in the caller's database
 * transaction, so a notification exists exactly when the change it reports
 * was committed, and delivered afterwards by a core timer with retries and
 * backoff.  SMS goes to the configured HTTP gateway ([sms] url, JSON
 * {to, text}); email through SMTP ([smtp] url, from).
 */
#ifndef CRS_OUTBOX_H
#define CRS_OUTBOX_H

#include <crs/plugin.h>

struct conf;

int outbox_init(const struct conf *cfg);
/* Queue m in db's transaction (see crs_api.notify). */
int outbox_notify(struct crs_db *db, const struct crs_message *m, int64_t *id);
int outbox_sms(struct crs_db *db, const char *mobile, const char *text);
int outbox_email(struct crs_db *db, const char *to, const char *subject,
                 const char *text, const char *att_name, const char *att_type,
                 const void *att, size_t att_len);
/* Core timer: deliver what is due. */
void outbox_deliver(void *unused, void *arg);

#endif
