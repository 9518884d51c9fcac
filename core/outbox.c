/*
 * outbox: transactional notification queue and its sender (see outbox.h).
 */
#include "config.h"

#include "outbox.h"
#include "clock.h"
#include "conf.h"
#include "db.h"
#include "httpc.h"
#include "log.h"
#include "util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define BATCH 20
#define MAX_ATTEMPTS 8

static struct {
	const char *sms_url;
	const char *smtp_url;
	const char *from;
} ob;

int outbox_init(const struct conf *cfg)
{
	ob.sms_url = conf_get(cfg, "sms", "url", NULL);
	ob.smtp_url = conf_get(cfg, "smtp", "url", NULL);
	ob.from = conf_get(cfg, "smtp", "from", "no-reply@crs.local");
	return 0;
}

int outbox_notify(struct crs_db *db, const struct crs_message *m, int64_t *id)
{
	char now[24], until[24];
	struct crs_exec ex;
	int rc;

	if (id)
		*id = 0;
	if (!m || m->struct_size < CRS_SIZE_THROUGH(struct crs_message, expires_ms) ||
	    !m->to || !*m->to || !m->text ||
	    (m->channel != CRS_MSG_SMS && m->channel != CRS_MSG_EMAIL) ||
	    (m->channel == CRS_MSG_EMAIL && !m->subject) ||
	    (m->dedup_key && (!*m->dedup_key || strlen(m->dedup_key) > 100)))
		return CRS_EINVAL;
	clock_sql_datetime(clock_now_ms(), now);
	clock_sql_datetime(m->expires_ms, until);
	/* A second message under one key is the first: its id comes back
	 * (LAST_INSERT_ID(id) makes the duplicate's row id the insert id). */
	rc = db_exec(db, "INSERT INTO notification_outbox (channel, dedup_key, recipient, "
	                 "subject, body, attachment_name, attachment_type, "
	                 "attachment, state, attempts, next_attempt_at, expires_at, "
	                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, "
	                 "?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
	             CRS_PARAMS(CRS_P_STR(m->channel == CRS_MSG_SMS ? "sms" : "email"),
	                        CRS_P_STR(m->dedup_key), CRS_P_STR(m->to),
	                        CRS_P_STR(m->subject), CRS_P_STR(m->text),
	                        CRS_P_STR(m->attachment_name),
	                        CRS_P_STR(m->attachment_type),
	                        m->attachment ? CRS_P_BLOB(m->attachment, m->attachment_len)
	                                      : CRS_P_NULL,
	                        CRS_P_STR(now),
	                        m->expires_ms ? CRS_P_STR(until) : CRS_P_NULL,
	                        CRS_P_STR(now)),
	             NULL, &ex);
	if (rc == CRS_OK && id)
		*id = (int64_t)ex.insert_id;
	return rc;
}

int outbox_sms(struct crs_db *db, const char *mobile, const char *text)
{
	return outbox_notify(db, &(struct crs_message){
		.struct_size = sizeof(struct crs_message), .channel = CRS_MSG_SMS,
		.to = mobile, .text = text }, NULL);
}

int outbox_email(struct crs_db *db, const char *to, const char *subject,
                 const char *text, const char *att_name, const char *att_type,
                 const void *att, size_t att_len)
{
	return outbox_notify(db, &(struct crs_message){
		.struct_size = sizeof(struct crs_message), .channel = CRS_MSG_EMAIL,
		.to = to, .subject = subject, .text = text, .attachment_name = att_name,
		.attachment_type = att_type, .attachment = att,
		.attachment_len = att_len }, NULL);
}

static int send_sms(const char *to, const char *text, char *err, size_t errsz)
{
	struct json_object *o = json_object_new_object();
	struct crs_http_header h = { "Content-Type", "application/json" };
	struct crs_http_request rq = { .struct_size = sizeof(rq) };
	struct crs_http_response rs;
	const char *body;
	int rc;

	if (!ob.sms_url) {
		snprintf(err, errsz, "[sms] url not configured");
		json_object_put(o);
		return CRS_EUNAVAIL;
	}
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "text", json_object_new_string(text));
	body = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	rq.method = "POST";
	rq.url = ob.sms_url;
	rq.headers = &h;
	rq.n_headers = 1;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.timeout_ms = 5000;
	rc = httpc_do(&rq, &rs);
	if (rc == CRS_OK && (rs.status < 200 || rs.status > 299))
		rc = CRS_EUPSTREAM;
	if (rc)
		str_fmt(err, errsz, "status %ld %s", rs.status, rs.error);
	httpc_release(&rs);
	json_object_put(o);
	return rc;
}

/* Deliver one claimed row; returns CRS_OK when sent. */
static int deliver(struct crs_rows *r, char *err, size_t errsz)
{
	const char *channel = rows_str(r, 1), *to = rows_str(r, 2);

	if (strcmp(channel, "sms") == 0)
		return send_sms(to, rows_str(r, 4), err, errsz);
	if (!ob.smtp_url) {
		snprintf(err, errsz, "[smtp] url not configured");
		return CRS_EUNAVAIL;
	}
	return httpc_smtp_send(ob.smtp_url, ob.from, to, rows_str(r, 3),
	                       rows_str(r, 4), rows_str(r, 5), rows_str(r, 6),
	                       rows_str(r, 7), rows_len(r, 7), err, errsz);
}

struct batch {
	int sent;
	int failed;
};

static int deliver_batch(struct crs_db *db, void *arg)
{
	struct batch *b = arg;
	struct crs_rows *r = NULL;
	char now[24], later[24];
	int64_t t = clock_now_ms(), id, attempts;
	int rc;

	b->sent = b->failed = 0;
	clock_sql_datetime(t, now);
	/* SKIP LOCKED lets several crsd deliver side by side. */
	rc = db_exec(db, "SELECT id, channel, recipient, subject, body, "
	                 "attachment_name, attachment_type, attachment, attempts, "
	                 "expires_at IS NOT NULL AND expires_at <= ? "
	                 "FROM notification_outbox WHERE state = 'pending' AND "
	                 "next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 20 "
	                 "FOR UPDATE SKIP LOCKED",
	             CRS_PARAMS(CRS_P_STR(now), CRS_P_STR(now)), &r, NULL);
	if (rc)
		return rc;
	while (rows_next(r)) {
		char err[256] = "";
		int64_t expired = 0;
		int ok;

		rows_int(r, 0, &id);
		rows_int(r, 8, &attempts);
		rows_int(r, 9, &expired);
		if (expired) {
			/* Too late to be of use: never sent, and said so. */
			rc = db_exec(db, "UPDATE notification_outbox SET state = 'expired',"
			                 " last_error = 'expired before it could be sent'"
			                 " WHERE id = ?", CRS_PARAMS(CRS_P_INT(id)), NULL, NULL);
			if (rc)
				break;
			continue;
		}
		ok = deliver(r, err, sizeof(err)) == CRS_OK;
		attempts++;
		if (ok) {
			rc = db_exec(db, "UPDATE notification_outbox SET state = 'sent', "
			                 "attempts = ?, sent_at = ?, last_error = NULL "
			                 "WHERE id = ?",
			             CRS_PARAMS(CRS_P_INT(attempts), CRS_P_STR(now),
			                        CRS_P_INT(id)), NULL, NULL);
			b->sent++;
		} else {
			/* Exponential backoff: 2, 4, 8 … seconds. */
			clock_sql_datetime(t + (1000LL << (attempts < 16 ? attempts : 16)),
			                   later);
			rc = db_exec(db, "UPDATE notification_outbox SET state = ?, "
			                 "attempts = ?, next_attempt_at = ?, last_error = ? "
			                 "WHERE id = ?",
			             CRS_PARAMS(CRS_P_STR(attempts >= MAX_ATTEMPTS ? "failed"
			                                                          : "pending"),
			                        CRS_P_INT(attempts), CRS_P_STR(later),
			                        CRS_P_STR(err), CRS_P_INT(id)), NULL, NULL);
			log_warn("outbox: delivery %lld failed (attempt %lld): %s",
			         (long long)id, (long long)attempts, err);
			b->failed++;
		}
		if (rc)
			break;
	}
	rows_free(r);
	return rc;
}

void outbox_deliver(void *unused, void *arg)
{
	struct batch b;

	(void)unused;
	(void)arg;
	if (db_tx(mono_ms() + 30000, deliver_batch, &b) == CRS_OK && b.sent)
		log_info("outbox: %d sent, %d to retry", b.sent, b.failed);
}
