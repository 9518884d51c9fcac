/*
 * oot_hello: a plugin built out of tree, the way an integrator builds one:
 *   cc $(pkg-config --cflags crs-plugin) -shared -fPIC -fvisibility=hidden \
 *      -o oot_hello.so oot_hello.c
 * The integration test compiles it against the installed SDK and loads it
 * into a running crsd with `crsctl modules load`.
 */
#include <crs/plugin.h>

struct oot {
	const struct crs_api *api;
};

static int h_hi(struct crs_req *req, void *inst)
{
	const struct crs_api *api = ((struct oot *)inst)->api;
	static const char body[] = "{\"from\":\"out of tree\"}";

	return api->resp_body(req, 200, "application/json", body, sizeof(body) - 1)
	               == CRS_OK ? CRS_HANDLED : CRS_ERROR;
}

static int oot_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                    void **inst, struct crs_err *err)
{
	struct oot *o = api->alloc(sizeof(*o));

	(void)pctx;
	if (!o) {
		err->msg[0] = '\0';
		return CRS_ENOMEM;
	}
	o->api = api;
	*inst = o;
	return CRS_OK;
}

static void oot_destroy(void *inst)
{
	struct oot *o = inst;

	o->api->free(o);
}

static const struct crs_route routes[] = {
	CRS_ROUTE_DEF("GET", "/api/v1/oot/hi", h_hi, 0, CRS_AUTH_NONE, NULL),
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "oot_hello",
	.version = "0.1",
	.description = "out-of-tree example",
	.flags = CRS_PLUGIN_THREAD_SAFE,
	CRS_ROUTES(routes),
	.init = oot_init,
	.destroy = oot_destroy,
};

CRS_PLUGIN_DEFINE(desc)
