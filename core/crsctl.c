/*
 * crsctl: the administrator's command line for crsd.  Every call goes to the
 * admin API (loopback listener, bearer admin token) and prints its JSON
 * answer; the exit status says whether the call succeeded.
 */
#include "config.h"

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	char *np = realloc(b->p, b->n + size * n + 1);

	if (!np)
		return 0;
	memcpy(np + b->n, p, size * n);
	b->n += size * n;
	np[b->n] = '\0';
	b->p = np;
	return size * n;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: crsctl [--url URL] [--token-file FILE] COMMAND\n"
	        "  modules list | enable NAME | disable NAME | reload NAME | load PATH\n"
	        "  token issue --role office|registry|subsidy [--office ID] [--name NAME]\n"
	        "              [--expires DURATION (90d)] | list | revoke ID\n"
	        "  clock get | set ISO-INSTANT | advance DURATION (16m, 3d) | reset\n"
	        "  payments refunds [--all] | refund-done REFUND_ID NOTE\n"
	        "  stats [--province NAME] [--city CODE] [--date YYYY/MM/DD]\n"
	        "        | --verify (recount; exit 1 if the counts differ) | --repair\n"
	        "  health | metrics\n"
	        "Environment: CRS_ADMIN_URL, CRS_ADMIN_TOKEN_FILE.\n");
}

static char *read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[256];

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		fprintf(stderr, "crsctl: cannot read the admin token from %s\n", path);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return strdup(buf);
}

/* call's flags: print the body as it came; fail unless it says "ok": true. */
#define CALL_RAW 1
#define CALL_NEED_OK 2

static int call(const char *base, const char *token, const char *method,
                const char *path, struct json_object *body, int flags)
{
	struct json_object *okv;
	int ok = 1;
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct buf out = { NULL, 0 };
	char url[2048], auth[400];
	long status = 0;
	CURLcode cc;

	if (!c)
		return 1;
	snprintf(url, sizeof(url), "%s%s", base, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		                 json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK) {
		fprintf(stderr, "crsctl: %s: %s\n", url, curl_easy_strerror(cc));
		free(out.p);
		return 1;
	}
	if (out.p) {
		struct json_object *o = flags & CALL_RAW ? NULL : json_tokener_parse(out.p);

		if (flags & CALL_NEED_OK)
			ok = o && json_object_object_get_ex(o, "ok", &okv) &&
			     json_object_get_boolean(okv);
		if (o)
			printf("%s\n", json_object_to_json_string_ext(
			                       o, JSON_C_TO_STRING_PRETTY |
			                                  JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			fputs(out.p, stdout);
		json_object_put(o);
	}
	free(out.p);
	return status >= 200 && status < 300 && ok ? 0 : 1;
}

static int token_issue(const char *base, const char *tok, int argc, char **argv)
{
	struct json_object *b = json_object_new_object();
	int i, rc;

	for (i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--role") == 0)
			json_object_object_add(b, "role", json_object_new_string(argv[i + 1]));
		else if (strcmp(argv[i], "--name") == 0)
			json_object_object_add(b, "name", json_object_new_string(argv[i + 1]));
		else if (strcmp(argv[i], "--office") == 0)
			json_object_object_add(b, "office_id",
			                       json_object_new_int64(atoll(argv[i + 1])));
		else if (strcmp(argv[i], "--expires") == 0)
			json_object_object_add(b, "expires_in", json_object_new_string(argv[i + 1]));
		else
			break;
	}
	if (i != argc) {
		usage(stderr);
		json_object_put(b);
		return 2;
	}
	rc = call(base, tok, "POST", "/admin/v1/tokens", b, 0);
	json_object_put(b);
	return rc;
}

/* stats [--province P] [--city CODE] [--date D] | --verify | --repair */
static int stats(const char *base, const char *tok, int argc, char **argv)
{
	static const char *const opts[][2] = {
		{ "--province", "province" }, { "--city", "city_code" }, { "--date", "date" },
	};
	struct json_object *b;
	char path[1024] = "/admin/v1/stats";
	size_t n = strlen(path);
	int i, k, rc;

	if (argc == 1 && (!strcmp(argv[0], "--verify") || !strcmp(argv[0], "--repair"))) {
		b = json_object_new_object();
		json_object_object_add(b, "repair", json_object_new_boolean(argv[0][2] == 'r'));
		rc = call(base, tok, "POST", "/admin/v1/stats/verify", b, CALL_NEED_OK);
		json_object_put(b);
		return rc;
	}
	for (i = 0; i + 1 < argc; i += 2) {
		char *v;

		for (k = 0; k < 3 && strcmp(argv[i], opts[k][0]); k++)
			;
		if (k == 3 || !(v = curl_easy_escape(NULL, argv[i + 1], 0)))
			break;
		n += (size_t)snprintf(path + n, n < sizeof(path) ? sizeof(path) - n : 0, "%c%s=%s",
		                      n == strlen("/admin/v1/stats") ? '?' : '&', opts[k][1], v);
		curl_free(v);
	}
	if (i != argc || n >= sizeof(path)) {
		usage(stderr);
		return 2;
	}
	return call(base, tok, "GET", path, NULL, 0);
}

static int dispatch(const char *base, const char *tok, int argc, char **argv)
{
	char path[512];
	struct json_object *b;
	int rc;

	if (argc >= 2 && !strcmp(argv[0], "modules") && !strcmp(argv[1], "list"))
		return call(base, tok, "GET", "/admin/v1/modules", NULL, 0);
	if (argc == 3 && !strcmp(argv[0], "modules") &&
	    (!strcmp(argv[1], "enable") || !strcmp(argv[1], "disable") ||
	     !strcmp(argv[1], "reload"))) {
		snprintf(path, sizeof(path), "/admin/v1/modules/%s/%s", argv[2], argv[1]);
		return call(base, tok, "POST", path, NULL, 0);
	}
	if (argc == 3 && !strcmp(argv[0], "modules") && !strcmp(argv[1], "load")) {
		b = json_object_new_object();
		json_object_object_add(b, "path", json_object_new_string(argv[2]));
		rc = call(base, tok, "POST", "/admin/v1/modules/load", b, 0);
		json_object_put(b);
		return rc;
	}
	if (argc >= 2 && !strcmp(argv[0], "token") && !strcmp(argv[1], "issue"))
		return token_issue(base, tok, argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[0], "token") && !strcmp(argv[1], "list"))
		return call(base, tok, "GET", "/admin/v1/tokens", NULL, 0);
	if (argc == 3 && !strcmp(argv[0], "token") && !strcmp(argv[1], "revoke")) {
		snprintf(path, sizeof(path), "/admin/v1/tokens/%lld/revoke", atoll(argv[2]));
		return call(base, tok, "POST", path, NULL, 0);
	}
	if (argc >= 1 && !strcmp(argv[0], "stats"))
		return stats(base, tok, argc - 1, argv + 1);
	if (argc == 1 && !strcmp(argv[0], "health"))
		return call(base, tok, "GET", "/admin/v1/health", NULL, 0);
	if (argc == 1 && !strcmp(argv[0], "metrics"))
		return call(base, tok, "GET", "/admin/v1/metrics", NULL, CALL_RAW);
	if (argc >= 2 && !strcmp(argv[0], "payments") && !strcmp(argv[1], "refunds")) {
		if (argc == 3 && !strcmp(argv[2], "--all"))
			return call(base, tok, "GET", "/admin/v1/payments/refunds?all=1", NULL, 0);
		if (argc == 2)
			return call(base, tok, "GET", "/admin/v1/payments/refunds", NULL, 0);
	}
	if (argc == 4 && !strcmp(argv[0], "payments") && !strcmp(argv[1], "refund-done")) {
		snprintf(path, sizeof(path), "/admin/v1/payments/refunds/%lld/resolve",
		         atoll(argv[2]));
		b = json_object_new_object();
		json_object_object_add(b, "note", json_object_new_string(argv[3]));
		rc = call(base, tok, "POST", path, b, 0);
		json_object_put(b);
		return rc;
	}
	if (argc >= 2 && !strcmp(argv[0], "clock")) {
		if (!strcmp(argv[1], "get"))
			return call(base, tok, "GET", "/admin/v1/clock", NULL, 0);
		b = json_object_new_object();
		if (argc == 3 && !strcmp(argv[1], "set"))
			json_object_object_add(b, "set", json_object_new_string(argv[2]));
		else if (argc == 3 && !strcmp(argv[1], "advance"))
			json_object_object_add(b, "advance", json_object_new_string(argv[2]));
		else if (argc == 2 && !strcmp(argv[1], "reset"))
			json_object_object_add(b, "reset", json_object_new_boolean(1));
		else {
			json_object_put(b);
			usage(stderr);
			return 2;
		}
		rc = call(base, tok, "POST", "/admin/v1/clock", b, 0);
		json_object_put(b);
		return rc;
	}
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *base = getenv("CRS_ADMIN_URL");
	const char *tfile = getenv("CRS_ADMIN_TOKEN_FILE");
	char *tok;
	int i = 1, rc;

	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--url"))
			base = argv[i + 1];
		else if (!strcmp(argv[i], "--token-file"))
			tfile = argv[i + 1];
		else
			break;
	}
	if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (i >= argc || !tfile) {
		usage(stderr);
		return 2;
	}
	if (!base)
		base = "http://127.0.0.1:8081";
	tok = read_token(tfile);
	if (!tok)
		return 1;
	curl_global_init(CURL_GLOBAL_ALL);
	rc = dispatch(base, tok, argc - i, argv + i);
	curl_global_cleanup();
	free(tok);
	return rc;
}
