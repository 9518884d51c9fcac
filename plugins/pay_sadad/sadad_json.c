/*
 * sadad_json: the bank's JSON over HTTP (see sadad_json.h).
 */
#include <crs/plugin.h>

#include "sadad_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

int sadad_json_post(const struct crs_api *api, const char *url,
                    const char *user_agent, long timeout_ms,
                    struct json_object *body, struct crs_http_response *rs)
{
	struct crs_http_header h[3] = {
		{ "Content-Type", "application/json; charset=utf-8" },
		{ "Accept", "application/json" },
		{ "User-Agent", user_agent },
	};
	const char *text = json_object_to_json_string_ext(
		body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct crs_http_request rq = {
		.struct_size = sizeof(rq),
		.method = "POST",
		.url = url,
		.headers = h,
		.n_headers = user_agent[0] ? 3 : 2,
		.body = text,
		.body_len = text ? strlen(text) : 0,
		.timeout_ms = timeout_ms,
	};

	if (!text)
		return CRS_ENOMEM;
	return api->http_do(&rq, rs);
}

struct json_object *sadad_json_parse(const struct crs_api *api,
                                     const char *body, size_t len)
{
	struct json_object *o = NULL;

	if (!body)
		return NULL;
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	if (api->json_parse(body, len, &o) != CRS_OK)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *sadad_json_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(obj, key, &v))
		return v;
	{
		json_object_object_foreach(obj, k, val) {
			if (strcasecmp(k, key) == 0)
				return val;
		}
	}
	return NULL;
}

int sadad_json_int(const struct crs_api *api, struct json_object *obj,
                   const char *key, int64_t *out)
{
	struct json_object *v = sadad_json_get(obj, key);

	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		/* The strict reader refused literals beyond int64. */
		*out = json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		char buf[32];
		const char *s = json_object_get_string(v);

		while (*s == ' ')
			s++;
		snprintf(buf, sizeof(buf), "%s", s);
		buf[strcspn(buf, " ")] = '\0';
		return api->parse_i64(buf, out) == CRS_OK ? 0 : -1;
	}
	return -1;
}

int sadad_json_str(struct json_object *obj, const char *key, char *out,
                   size_t outsz)
{
	struct json_object *v = sadad_json_get(obj, key);

	int n;

	if (!v || outsz == 0)
		return -1;
	if (json_object_is_type(v, json_type_string))
		n = snprintf(out, outsz, "%s", json_object_get_string(v));
	else if (json_object_is_type(v, json_type_int))
		n = snprintf(out, outsz, "%" PRId64, json_object_get_int64(v));
	else
		return -1;
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';   /* never a silently truncated value */
		return -1;
	}
	return 0;
}
