/*
 * httpc: outgoing HTTP for the core and plugins (bank APIs, SMS gateway,
 * SMTP through the outbox).  One libcurl easy handle per thread, reused so
 * connections stay warm, reset between calls (no cookie engine: citizens
 * must never share state), with enforced timeouts, a response size cap,
 * http/https only, no redirects, NOSIGNAL.  Errors are classified so payment
 * code can tell "never sent" from "sent, no answer".
 */
#ifndef CRS_HTTPC_H
#define CRS_HTTPC_H

#include <crs/plugin.h>

int httpc_global_init(void);
void httpc_global_cleanup(void);
/* Free this thread's handle (call at thread exit). */
void httpc_thread_release(void);

int httpc_do(const struct crs_http_request *rq, struct crs_http_response *rs);
void httpc_release(struct crs_http_response *rs);

/* Send one email through SMTP (url like smtp://127.0.0.1:2525). */
int httpc_smtp_send(const char *url, const char *from, const char *to,
                    const char *subject, const char *text,
                    const char *att_name, const char *att_type,
                    const void *att, size_t att_len, char *err, size_t errsz);

#endif
