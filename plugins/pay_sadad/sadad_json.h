/*
 * sadad_json: the bank's JSON over HTTP (gateways.md §1): a JSON body
 * POSTed through the core's HTTP client, the answer read as a JSON object
 * by the core's strict reader, and its members read as Sadad's servers
 * write them (X6: names matched case-insensitively; numbers sent as JSON
 * integers or as strings).
 *
 * Thread-safe: no state.
 */
#ifndef PAY_SADAD_JSON_H
#define PAY_SADAD_JSON_H

#include <crs/plugin.h>

#include <stddef.h>
#include <stdint.h>

struct json_object;

/*
 * POST body as JSON to url with the core's http_do, which gives the
 * result: on CRS_OK the caller releases rs with api->http_release.
 * user_agent "" sends no User-Agent.  CRS_ENOMEM when the body cannot be
 * printed.
 */
int sadad_json_post(const struct crs_api *api, const char *url,
                    const char *user_agent, long timeout_ms,
                    struct json_object *body, struct crs_http_response *rs);

/* The bank's answer as a JSON object, read by the core's strict reader (a
 * byte-order mark some servers send aside).  NULL when body is not one;
 * else the caller puts the object (json_object_put). */
struct json_object *sadad_json_parse(const struct crs_api *api,
                                     const char *body, size_t len);

/* The member named key, or else one whose name differs only in case;
 * borrowed from obj.  NULL when there is none. */
struct json_object *sadad_json_get(struct json_object *obj, const char *key);

/* An integer member given as a JSON integer or as a string of digits (the
 * bank's ResCode is either, §1.5).  0, or -1 when absent or malformed. */
int sadad_json_int(const struct crs_api *api, struct json_object *obj,
                   const char *key, int64_t *out);

/* A string member (numbers are accepted and printed in decimal: the RRN and
 * trace numbers are strings in the models but numbers in some answers).
 * -1 when absent, of another type, or too long for out (then out is ""). */
int sadad_json_str(struct json_object *obj, const char *key, char *out,
                   size_t outsz);

#endif /* PAY_SADAD_JSON_H */
