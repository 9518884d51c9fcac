/*
 * receipt_routes: receipt formats, e-mail, verification (see
 * receipt_routes.h).
 */

#include "receipt_routes.h"
#include "app.h"
#include "messages.h"
#include "receipt_html.h"
#include "receipt_pdf.h"
#include "receipt_text.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_BYTES 12

static const char *gateway_title(const char *name)
{
	if (strcmp(name, "sadad") == 0)
		return M_GATEWAY_SADAD;
	if (strcmp(name, "parsian") == 0)
		return M_GATEWAY_PARSIAN;
	return name;
}

static void sign(struct reg *r, const char *tracking, long long issued,
                 char hex[2 * SIG_BYTES + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char mac[32];
	char msg[64];
	int i, n;

	n = snprintf(msg, sizeof(msg), "CRS1.%s.%lld", tracking, issued);
	r->api->hmac_sha256(r->receipt_key, r->receipt_key_len, msg, (size_t)n, mac);
	for (i = 0; i < SIG_BYTES; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 15];
	}
	hex[2 * SIG_BYTES] = '\0';
}

struct receipt_data {
	struct crs_app app;
	char first_name[200], last_name[200];
	struct receipt rc;
	char payload[96];
	char qr_url[512];       /* what the QR holds: a phone opens the check */
	long long issued;
};

static int load(struct reg *r, struct crs_req *req, struct receipt_data *d)
{
	const struct crs_api *api = r->api;
	struct crs_rows *res = NULL;
	struct crs_ymd bj = { 0, 0, 0 }, aj = { 0, 0, 0 }, ij;
	struct crs_db *db;
	int32_t jdn;
	int64_t now = api->now_ms();
	char sig[2 * SIG_BYTES + 1];
	int rc, sec;

	rc = api->db_acquire(req, &db);
	if (rc)
		return reg_fail_db(r, req, rc), CRS_EREFUSED;
	rc = app_read(r, db, api->session_subject(req), 0, &d->app);
	if (rc == CRS_OK)
		rc = api->db_exec(db, "SELECT first_name, last_name FROM registry_person"
		                      " WHERE national_id = ?",
		                  CRS_PARAMS(CRS_P_STR(d->app.national_id)), &res, NULL);
	api->db_release(db);
	if (rc)
		return reg_fail_db(r, req, rc), CRS_EREFUSED;
	if (api->rows_next(res)) {
		snprintf(d->first_name, sizeof(d->first_name), "%s", api->rows_str(res, 0));
		snprintf(d->last_name, sizeof(d->last_name), "%s", api->rows_str(res, 1));
	}
	api->rows_free(res);
	if (!(app_operations(r, &d->app) & CRS_OP_PRINT_RECEIPT)) {
		api->fail(req, 409, "OPERATION_NOT_ALLOWED", M_NOT_ALLOWED_RECEIPT, NULL);
		return CRS_EREFUSED;
	}
	if (r->api->sql_date_parse(d->app.birth_date, &jdn) == CRS_OK)
		api->jalali_from_jdn(jdn, &bj);
	if (d->app.appt_day[0] && r->api->sql_date_parse(d->app.appt_day, &jdn) == 0)
		api->jalali_from_jdn(jdn, &aj);
	api->tehran_local(now, &jdn, &sec);
	api->jalali_from_jdn(jdn, &ij);
	d->issued = now / 1000;
	sign(r, d->app.tracking_code, d->issued, sig);
	snprintf(d->payload, sizeof(d->payload), "CRS1.%s.%lld.%s",
	         d->app.tracking_code, d->issued, sig);
	snprintf(d->qr_url, sizeof(d->qr_url), "%s?q=%s", r->verify_url, d->payload);

	memset(&d->rc, 0, sizeof(d->rc));
	d->rc.tracking_code = d->app.tracking_code;
	d->rc.national_id = d->app.national_id;
	d->rc.serial = d->app.serial;
	d->rc.birth_jy = bj.y;
	d->rc.birth_jm = bj.m;
	d->rc.birth_jd = bj.d;
	d->rc.birth_lunar = d->app.birth_date_lunar;
	d->rc.gender = d->app.gender;
	d->rc.religion = d->app.religion;
	d->rc.first_name = d->first_name[0] ? d->first_name : NULL;
	d->rc.last_name = d->last_name[0] ? d->last_name : NULL;
	d->rc.mother_name = d->app.mother_name;
	d->rc.mobile = d->app.mobile;
	if (d->app.office_id) {
		d->rc.office_name = d->app.office_name;
		d->rc.office_address = d->app.office_address;
		d->rc.office_phone = d->app.office_phone;
		d->rc.office_city_code = d->app.office_city;
		d->rc.appt_jy = aj.y;
		d->rc.appt_jm = aj.m;
		d->rc.appt_jd = aj.d;
		d->rc.shift = d->app.appt_shift;
	}
	d->rc.payment_state = "verified";
	d->rc.payment_reference = d->app.pay_reference;
	d->rc.amount_rial = d->app.pay_amount;
	d->rc.gateway_title = gateway_title(d->app.pay_gateway);
	d->rc.issued_jy = ij.y;
	d->rc.issued_jm = ij.m;
	d->rc.issued_jd = ij.d;
	d->rc.issued_hour = sec / 3600;
	d->rc.issued_min = sec / 60 % 60;
	d->rc.qr_payload = d->qr_url;
	d->rc.verify_url = r->verify_url;
	return CRS_OK;
}

static int attachment(struct reg *r, struct crs_req *req, const char *type,
                      const char *ext, const struct receipt_data *d,
                      const void *body, size_t len)
{
	char disp[128];

	snprintf(disp, sizeof(disp), "attachment; filename=\"crs-receipt-%s.%s\"",
	         d->app.tracking_code, ext);
	r->api->resp_header(req, "Content-Disposition", disp);
	return r->api->resp_body(req, 200, type, body, len) == CRS_OK ? CRS_HANDLED
	                                                               : CRS_ERROR;
}

int receipt_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *format = api->req_query(req, "format");
	struct receipt_data *d = api->req_alloc(req, sizeof(*d));
	struct json_object *o, *x;
	unsigned char *pdf = NULL;
	char *html = NULL;
	size_t len = 0;
	int rc;

	if (!d)
		return CRS_ERROR;
	if (!format)
		format = "json";
	if (strcmp(format, "json") && strcmp(format, "html") && strcmp(format, "pdf"))
		return reg_failf(r, req, 400, "FIELD_INVALID", "format", M_FIELD_INVALID,
		                 M_FIELD_RECEIPT_FORMAT);
	if (load(r, req, d) != CRS_OK)
		return CRS_HANDLED;
	if (strcmp(format, "html") == 0) {
		if (receipt_html(api, &d->rc, &html, &len))
			return CRS_ERROR;
		rc = attachment(r, req, "text/html; charset=utf-8", "html", d, html, len);
		free(html);
		return rc;
	}
	if (strcmp(format, "pdf") == 0) {
		if (receipt_pdf(api, &d->rc, &pdf, &len))
			return CRS_ERROR;
		rc = attachment(r, req, "application/pdf", "pdf", d, pdf, len);
		free(pdf);
		return rc;
	}
	o = json_object_new_object();
	x = app_object(r, &d->app);
	json_object_object_add(o, "application", x);
	json_object_object_add(o, "first_name", json_object_new_string(d->first_name));
	json_object_object_add(o, "last_name", json_object_new_string(d->last_name));
	json_object_object_add(o, "qr_payload", json_object_new_string(d->payload));
	json_object_object_add(o, "qr_url", json_object_new_string(d->qr_url));
	{
		char iso[32];

		r->api->iso_tehran((int64_t)d->issued * 1000, iso);
		json_object_object_add(o, "issued_at", json_object_new_string(iso));
	}
	json_object_object_add(o, "verify_url", json_object_new_string(r->verify_url));
	json_object_object_add(o, "prerequisites", json_object_new_string(M_PREREQUISITES));
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

/* A plain, conservative check: the outbox sends through SMTP, which must
 * never see CR/LF or spaces in an address, and without SMTPUTF8 takes
 * printable ASCII only (and so does the outbox's recipient column: invalid
 * UTF-8 there is a database error, not a refusal). */
static int valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	const unsigned char *c;
	size_t n = strlen(s);

	if (n < 6 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return 0;
	for (c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c > '~')
			return 0;
	if (strpbrk(s, "<>()[],;:\"\\"))
		return 0;
	dot = strrchr(at, '.');
	return dot && dot > at + 1 && dot[1] && strlen(dot + 1) >= 2;
}

struct mail {
	struct reg *r;
	const char *to;
	char *text;
	unsigned char *pdf;
	size_t pdf_len;
	char name[64];
	char app[24];               /* the application id: whose e-mails */
};

#define EMAIL_BUCKET_HOUR "receipt_email_h"
#define EMAIL_BUCKET_DAY "receipt_email_d"

/* Bounded per application (an hour, a day), counted with the message: a
 * refused or rolled-back e-mail does not count. */
static int mail_tx(struct crs_db *db, void *arg)
{
	struct mail *m = arg;
	const struct crs_api *api = m->r->api;
	int rc = api->rate_hit(db, EMAIL_BUCKET_HOUR, m->app, 3600000,
	                       m->r->receipt_emails_per_hour);

	if (rc == CRS_OK)
		rc = api->rate_hit(db, EMAIL_BUCKET_DAY, m->app, 86400000,
		                   m->r->receipt_emails_per_day);
	if (rc)
		return rc;
	return api->notify_email(db, m->to, M_EMAIL_SUBJECT, m->text, m->name,
	                         "application/pdf", m->pdf, m->pdf_len);
}

int receipt_email_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *to = api->json_str(api->req_json(req), "email");
	struct receipt_data *d = api->req_alloc(req, sizeof(*d));
	struct mail m = { r, to, NULL, NULL, 0, "", "" };
	size_t tlen;
	int rc;

	if (!d)
		return CRS_ERROR;
	if (!to || !valid_email(to))
		return api->fail(req, 400, "FIELD_INVALID", M_EMAIL_INVALID, "email");
	if (load(r, req, d) != CRS_OK)
		return CRS_HANDLED;
	if (receipt_text(api, &d->rc, &m.text, &tlen) ||
	    receipt_pdf(api, &d->rc, &m.pdf, &m.pdf_len)) {
		free(m.text);
		free(m.pdf);
		return CRS_ERROR;
	}
	snprintf(m.name, sizeof(m.name), "crs-receipt-%s.pdf", d->app.tracking_code);
	snprintf(m.app, sizeof(m.app), "%lld", (long long)d->app.id);
	rc = api->db_tx(req, mail_tx, &m);
	free(m.text);
	free(m.pdf);
	if (rc == CRS_ELIMIT)
		return api->fail(req, 429, "RATE_LIMITED", M_EMAIL_LIMIT, "email");
	if (rc)
		return reg_fail_db(r, req, rc);
	return api->resp_body(req, 202, NULL, NULL, 0) == CRS_OK ? CRS_HANDLED
	                                                          : CRS_ERROR;
}

int receipt_verify_handle(struct crs_req *req, void *inst)
{
	struct reg *r = inst;
	const struct crs_api *api = r->api;
	const char *q = api->req_query(req, "q");
	char tracking[10], sig_in[2 * SIG_BYTES + 2], sig[2 * SIG_BYTES + 1];
	char masked[11], iso[32];
	struct json_object *o = json_object_new_object();
	struct crs_rows *res = NULL;
	struct crs_db *db;
	long long issued = 0;
	unsigned diff = 0;
	int n = 0, rc, i;

	json_object_object_add(o, "valid", json_object_new_boolean(0));
	if (!q || sscanf(q, "CRS1.%9[0-9].%lld.%25[0-9a-f]%n", tracking, &issued,
	                 sig_in, &n) != 3 || q[n] || strlen(tracking) != 9 ||
	    strlen(sig_in) != 2 * SIG_BYTES)
		return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
	sign(r, tracking, issued, sig);
	for (i = 0; i < 2 * SIG_BYTES; i++)
		diff |= (unsigned)(sig[i] ^ sig_in[i]);
	if (diff)
		return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
	rc = api->db_acquire(req, &db);
	if (rc) {
		json_object_put(o);
		return reg_fail_db(r, req, rc);
	}
	rc = api->db_exec(db, "SELECT national_id, stage FROM application"
	                      " WHERE tracking_code = ?",
	                  CRS_PARAMS(CRS_P_STR(tracking)), &res, NULL);
	api->db_release(db);
	if (rc) {
		json_object_put(o);
		return reg_fail_db(r, req, rc);
	}
	if (api->rows_next(res)) {
		api->mask_nid(api->rows_str(res, 0), masked);
		r->api->iso_tehran((int64_t)issued * 1000, iso);
		json_object_object_add(o, "valid", json_object_new_boolean(1));
		json_object_object_add(o, "tracking_code", json_object_new_string(tracking));
		json_object_object_add(o, "national_id_masked", json_object_new_string(masked));
		json_object_object_add(o, "stage", json_object_new_string(api->rows_str(res, 1)));
		json_object_object_add(o, "issued_at", json_object_new_string(iso));
	}
	api->rows_free(res);
	return api->resp_json_new(req, 200, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}
