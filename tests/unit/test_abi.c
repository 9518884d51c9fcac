/* Unit tests for core/abi_check.c: the frozen 1.0 sizes are what a 1.0
 * plugin was compiled with; a 1.0 descriptor passes a 1.1 loader with its
 * routes read at the 1.0 stride; a descriptor of this minor is refused by a
 * loader that knows only 1.0, with one reason; malformed 1.1 members are
 * refused. */
#include "unit.h"

#include "abi10_plugin.h"
#include "abi_check.h"

#include <string.h>

#include "abi_stubs.h"

static const struct crs_route routes11[] = {
	CRS_ROUTE_DEF("GET", "/api/v1/t11/a", h, 0, CRS_AUTH_NONE, NULL),
	{ CRS_ROUTE_FIELDS("GET", "/api/v1/t11/b", h, CRS_ROUTE_TEXT, CRS_AUTH_BEARER,
	                   NULL), .roles = "office registry", .deadline_ms = 5000 },
};

static const struct crs_plugin desc11 = {
	CRS_PLUGIN_INIT,
	.name = "t11",
	.version = "1.1.0",
	CRS_ROUTES(routes11),
	.init = init,
	.destroy = destroy,
};

static void frozen_sizes(void)
{
	CHECK_EQ_INT(abi10_sizes.minor, 0);
	CHECK_EQ_INT(CRS_PLUGIN_SIZE_1_0, abi10_sizes.plugin);
	CHECK_EQ_INT(CRS_ROUTE_SIZE_1_0, abi10_sizes.route);
	CHECK_EQ_INT(CRS_GATEWAY_OPS_SIZE_1_0, abi10_sizes.gateway_ops);
	CHECK_EQ_INT(CRS_HTTP_REQUEST_SIZE_1_0, abi10_sizes.http_request);
	/* 1.1 only appended: the table grew, the 1.0 part stayed. */
	CHECK(sizeof(struct crs_api) > abi10_sizes.api);
	CHECK(sizeof(struct crs_plugin) > abi10_sizes.plugin);
	CHECK(sizeof(struct crs_route) > abi10_sizes.route);
	CHECK_STR(abi10_sizes.build_sig, CRS_BUILD_SIG);
}

static void old_plugin_new_loader(void)
{
	const struct crs_plugin *d10 = abi10_desc();
	struct crs_route r;
	char err[256] = "";

	CHECK_EQ_INT(abi_validate(d10, "t10", abi_current(), err, sizeof(err)), 0);
	if (err[0])
		unit_note("%s", err);
	CHECK_EQ_INT(d10->abi_minor, 0);
	CHECK_EQ_INT(d10->struct_size, CRS_PLUGIN_SIZE_1_0);
	/* The second route is found at the 1.0 stride; 1.1 members zero. */
	memset(&r, 0xAB, sizeof(r));
	abi_route(d10, 1, &r);
	CHECK_STR(r.path, "/api/v1/t10/b");
	CHECK_STR(r.role, "office");
	CHECK(r.roles == NULL);
	CHECK_EQ_INT(r.deadline_ms, 0);
	CHECK_EQ_INT(r.auth, CRS_AUTH_BEARER);
}

static void new_plugin_old_loader(void)
{
	const struct abi_knowledge v10 = {
		.major = 1, .minor = 0, .plugin_size = abi10_sizes.plugin,
		.route_size = abi10_sizes.route, .gateway_size = abi10_sizes.gateway_ops,
		.build_sig = abi10_sizes.build_sig,
	};
	struct crs_route r;
	char err[256] = "";

	CHECK_EQ_INT(abi_validate(&desc11, "t11", abi_current(), err, sizeof(err)), 0);
	CHECK_EQ_INT(abi_validate(&desc11, "t11", &v10, err, sizeof(err)), -1);
	CHECK_STR(err, "built for ABI 1.1, newer than crsd's 1.0");
	abi_route(&desc11, 1, &r);
	CHECK_STR(r.roles, "office registry");
	CHECK_EQ_INT(r.deadline_ms, 5000);
	CHECK(r.flags & CRS_ROUTE_TEXT);
}

static void malformed(void)
{
	struct crs_plugin d = desc11;
	char err[256];

	d.route_size = 0;
	CHECK_EQ_INT(abi_validate(&d, "t11", abi_current(), err, sizeof(err)), -1);
	CHECK(strstr(err, "route_size") != NULL);
	d = desc11;
	d.route_size = 1 << 20;
	CHECK_EQ_INT(abi_validate(&d, "t11", abi_current(), err, sizeof(err)), -1);
	d = desc11;
	d.struct_size = (uint32_t)CRS_PLUGIN_SIZE_1_0 - 8;
	CHECK_EQ_INT(abi_validate(&d, "t11", abi_current(), err, sizeof(err)), -1);
	CHECK(strstr(err, "smaller than ABI 1.0") != NULL);
	d = desc11;
	d.build_sig = "ptr4-long4-abi1-jsonc5";
	CHECK_EQ_INT(abi_validate(&d, "t11", abi_current(), err, sizeof(err)), -1);
	CHECK_EQ_INT(abi_validate(&desc11, "other", abi_current(), err, sizeof(err)), -1);
}

int main(void)
{
	frozen_sizes();
	old_plugin_new_loader();
	new_plugin_old_loader();
	malformed();
	return unit_done();
}
