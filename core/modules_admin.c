/*
 * modules_admin: module JSON and the module admin routes (see
 * modules_admin.h).
 */
#include "config.h"

#include "modules_admin.h"
#include "messages.h"
#include "modules.h"
#include "request.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static struct json_object *module_json(const struct module_view *v)
{
	struct json_object *o = json_object_new_object(), *routes;
	char abi[16];
	size_t i;

	snprintf(abi, sizeof(abi), "%u.%u", v->abi_major, v->abi_minor);
	json_object_object_add(o, "name", json_object_new_string(v->name));
	json_object_object_add(o, "version", json_object_new_string(v->version));
	json_object_object_add(o, "abi", json_object_new_string(abi));
	json_object_object_add(o, "state", json_object_new_string(v->state));
	json_object_object_add(o, "in_flight", json_object_new_int(v->in_flight));
	if (v->gateway)
		json_object_object_add(o, "gateway", json_object_new_string(v->gateway));
	routes = json_object_new_array();
	for (i = 0; i < v->n_routes; i++) {
		char line[512];

		snprintf(line, sizeof(line), "%s %s", v->routes[i].method,
		         v->routes[i].path);
		json_object_array_add(routes, json_object_new_string(line));
	}
	json_object_object_add(o, "routes", routes);
	return o;
}

static void add_module(const struct module_view *v, void *arr)
{
	json_object_array_add(arr, module_json(v));
}

static void set_module(const struct module_view *v, void *out)
{
	*(struct json_object **)out = module_json(v);
}

static void add_state(const struct module_view *v, void *obj)
{
	/* draining is "disabled" to health: it takes no new work. */
	json_object_object_add(obj, v->name, json_object_new_string(
		strcmp(v->state, "enabled") == 0 ? "enabled" : "disabled"));
}

static void add_gateway(const struct module_view *v, void *arr)
{
	struct json_object *o;

	if (!v->takes_payments)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(v->gateway));
	json_object_object_add(o, "title", json_object_new_string(v->gateway_title));
	json_object_array_add(arr, o);
}

struct json_object *modules_health_json(void)
{
	struct json_object *o = json_object_new_object();

	modules_each(add_state, o);
	return o;
}

struct json_object *modules_gateways_json(void)
{
	struct json_object *arr = json_object_new_array();

	modules_each(add_gateway, arr);
	return arr;
}

#define PORTABLE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* Module names are file names (NAME.so) and plugin paths are made of such
 * names: checked before the loader, whose operator-facing reasons and log
 * lines echo what they were given. */
static int portable(const char *s, size_t max, int slashes)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= max &&
	       strspn(s, slashes ? PORTABLE_CHARS "/" : PORTABLE_CHARS) == n;
}

static int send_json(struct crs_req *req, int status, struct json_object *o)
{
	return resp_send_json_new(req, status, o) == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

int modules_admin_list(struct crs_req *req, void *unused)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

	(void)unused;
	modules_each(add_module, arr);
	json_object_object_add(o, "modules", arr);
	return send_json(req, 200, o);
}

static int module_result(struct crs_req *req, int rc, struct json_object *mod,
                         const char *err, int ok_status)
{
	struct json_object *o;

	if (rc == CRS_OK) {
		o = json_object_new_object();
		json_object_object_add(o, "module", mod);
		return send_json(req, ok_status, o);
	}
	json_object_put(mod);
	if (rc == CRS_ENOTFOUND)
		resp_fail(req, 404, "NOT_FOUND", err, NULL);
	else if (rc == CRS_ECONFLICT)
		resp_fail(req, 409, "OPERATION_NOT_ALLOWED", err, NULL);
	else
		resp_fail(req, 422, "MODULE_REFUSED", err, NULL);
	return CRS_HANDLED;
}

int modules_admin_action(struct crs_req *req, void *unused)
{
	const char *name = req_get_param(req, "name");
	const char *action = req_get_param(req, "action");
	struct json_object *mod = NULL;
	char err[512] = "";
	int rc;

	(void)unused;
	if (!portable(name, 63, 0))
		return resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL), CRS_HANDLED;
	if (strcmp(action, "enable") == 0)
		rc = modules_enable(name, set_module, &mod, err, sizeof(err));
	else if (strcmp(action, "disable") == 0)
		rc = modules_disable(name, set_module, &mod, err, sizeof(err));
	else if (strcmp(action, "reload") == 0)
		rc = modules_reload(name, set_module, &mod, err, sizeof(err));
	else
		return resp_fail(req, 404, "NOT_FOUND", MSG_NOT_FOUND, NULL), CRS_HANDLED;
	return module_result(req, rc, mod, err, 200);
}

int modules_admin_load(struct crs_req *req, void *unused)
{
	struct json_object *v, *mod = NULL;
	const char *path = NULL;
	char err[512] = "";
	int rc;

	(void)unused;
	if (json_object_object_get_ex(req->json, "path", &v) &&
	    json_object_is_type(v, json_type_string))
		path = json_object_get_string(v);
	if (!portable(path, PATH_MAX - 1, 1)) {
		resp_fail(req, 400, "FIELD_INVALID", MSG_FIELD_INVALID, "path");
		return CRS_HANDLED;
	}
	rc = modules_load(path, set_module, &mod, err, sizeof(err));
	return module_result(req, rc, mod, err, 201);
}
