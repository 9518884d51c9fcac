/*
 * httpc: per-thread libcurl handles with classified errors (see httpc.h).
 */
#include "config.h"

#include "httpc.h"
#include "base64.h"
#include "log.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_CONNECT_MS 3000
#define DEFAULT_MAX (1024 * 1024)

static _Thread_local CURL *thread_handle;

int httpc_global_init(void)
{
	const curl_version_info_data *v;

	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		return -1;
	v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		log_warn("httpc: libcurl has no asynchronous resolver; DNS "
		         "lookups cannot time out with NOSIGNAL");
	return 0;
}

void httpc_global_cleanup(void)
{
	curl_global_cleanup();
}

void httpc_thread_release(void)
{
	if (thread_handle) {
		curl_easy_cleanup(thread_handle);
		thread_handle = NULL;
	}
}

struct sink {
	struct strbuf sb;
	size_t max;
	int overflow;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = size * n;

	/* Stop bodies of unknown length too (MAXFILESIZE cannot, < 8.4). */
	if (s->sb.len + len > s->max) {
		s->overflow = 1;
		return 0;
	}
	strbuf_add(&s->sb, p, len);
	return s->sb.failed ? 0 : len;
}

static CURL *handle(void)
{
	if (!thread_handle)
		thread_handle = curl_easy_init();
	else
		curl_easy_reset(thread_handle);
	return thread_handle;
}

int httpc_do(const struct crs_http_request *rq, struct crs_http_response *rs)
{
	struct curl_slist *hdrs = NULL;
	struct sink sink;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode cc;
	char *ct = NULL;
	curl_off_t connected = 0;
	size_t i;
	int rc = CRS_OK;

	memset(rs, 0, sizeof(*rs));
	if (!rq || rq->struct_size < CRS_HTTP_REQUEST_SIZE_1_0 || !rq->url || !rq->method)
		return CRS_EINVAL;
	c = handle();
	if (!c)
		return CRS_ENOMEM;
	strbuf_init(&sink.sb);
	sink.max = rq->max_response ? rq->max_response : DEFAULT_MAX;
	sink.overflow = 0;
	for (i = 0; i < rq->n_headers; i++) {
		char line[1024];
		struct curl_slist *n;

		snprintf(line, sizeof(line), "%s: %s", rq->headers[i].name,
		         rq->headers[i].value);
		n = curl_slist_append(hdrs, line);
		if (!n) {
			rc = CRS_ENOMEM;
			goto out;
		}
		hdrs = n;
	}
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 rq->timeout_ms > 0 ? rq->timeout_ms : DEFAULT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	                 rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms
	                                            : DEFAULT_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(rq->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(rq->body ? rq->body_len : 0));
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(rs->content_type, sizeof(rs->content_type), "%s", ct);
	if (cc != CURLE_OK) {
		snprintf(rs->error, sizeof(rs->error), "%s",
		         errbuf[0] ? errbuf : curl_easy_strerror(cc));
		if (sink.overflow)
			rc = CRS_EUPSTREAM;
		else if (connected == 0)
			rc = CRS_EUPSTREAM;   /* the request never reached the peer */
		else
			rc = CRS_EUPSTREAM_AMBIGUOUS;
		goto out;
	}
	rs->body = strbuf_detach(&sink.sb, &rs->body_len);
	if (!rs->body)
		rc = CRS_ENOMEM;
out:
	strbuf_release(&sink.sb);
	curl_slist_free_all(hdrs);
	return rc;
}

void httpc_release(struct crs_http_response *rs)
{
	free(rs->body);
	rs->body = NULL;
	rs->body_len = 0;
}

/* RFC 2047 encoded-word for a UTF-8 header value. */
static char *encode_header(const char *s)
{
	size_t n = strlen(s), cap = 12 + base64_encoded_len(n) + 1;
	char *out = malloc(cap);
	ssize_t w;

	if (!out)
		return NULL;
	memcpy(out, "=?UTF-8?B?", 10);
	w = base64_encode(s, n, out + 10, cap - 10);
	if (w < 0) {
		free(out);
		return NULL;
	}
	memcpy(out + 10 + w, "?=", 3);
	return out;
}

int httpc_smtp_send(const char *url, const char *from, const char *to,
                    const char *subject, const char *text,
                    const char *att_name, const char *att_type,
                    const void *att, size_t att_len, char *err, size_t errsz)
{
	struct curl_slist *rcpt = NULL, *hdrs = NULL;
	curl_mime *mime = NULL;
	curl_mimepart *part;
	char *subj = NULL, line[512];
	CURL *c = handle();
	CURLcode cc = CURLE_OUT_OF_MEMORY;

	if (!c)
		return CRS_ENOMEM;
	subj = encode_header(subject);
	rcpt = curl_slist_append(NULL, to);
	if (!subj || !rcpt)
		goto out;
	snprintf(line, sizeof(line), "Subject: %s", subj);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "From: <%s>", from);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "To: <%s>", to);
	hdrs = curl_slist_append(hdrs, line);
	mime = curl_mime_init(c);
	if (!hdrs || !mime)
		goto out;
	part = curl_mime_addpart(mime);
	curl_mime_data(part, text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "base64");
	if (att && att_len) {
		part = curl_mime_addpart(mime);
		curl_mime_data(part, att, att_len);
		curl_mime_type(part, att_type ? att_type : "application/octet-stream");
		curl_mime_filename(part, att_name ? att_name : "attachment");
		curl_mime_encoder(part, "base64");
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	cc = curl_easy_perform(c);
out:
	if (cc != CURLE_OK)
		snprintf(err, errsz, "%s", curl_easy_strerror(cc));
	curl_mime_free(mime);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(rcpt);
	free(subj);
	return cc == CURLE_OK ? CRS_OK : CRS_EUPSTREAM;
}
