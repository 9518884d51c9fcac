/*
 * abi10_plugin: a descriptor and the struct sizes as a plugin compiled
 * against the frozen ABI 1.0 header (tests/abi/1.0) sees them, for
 * test_abi.c, which sees the current header.
 */
#include <crs/plugin.h>

#include "abi10_plugin.h"

#include "abi_stubs.h"

static const struct crs_route routes[] = {
	{ "GET", "/api/v1/t10/a", h, 0, CRS_AUTH_NONE, NULL },
	{ "POST", "/api/v1/t10/b", h, CRS_ROUTE_JSON, CRS_AUTH_BEARER, "office" },
};

static const struct crs_plugin desc = {
	CRS_PLUGIN_INIT,
	.name = "t10",
	.version = "1.0.0",
	CRS_ROUTES(routes),
	.init = init,
	.destroy = destroy,
};

const void *abi10_desc(void)
{
	return &desc;
}

const struct abi10_sizes abi10_sizes = {
	.plugin = sizeof(struct crs_plugin),
	.route = sizeof(struct crs_route),
	.gateway_ops = sizeof(struct crs_gateway_ops),
	.http_request = sizeof(struct crs_http_request),
	.api = sizeof(struct crs_api),
	.minor = CRS_ABI_MINOR,
	.build_sig = CRS_BUILD_SIG,
};
