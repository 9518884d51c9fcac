/*
 * abi_check: the descriptor rules of the plugin ABI (see abi_check.h).
 */
#include "config.h"

#include "abi_check.h"

#include <stdio.h>
#include <string.h>

static const struct abi_knowledge current = {
	.major = CRS_ABI_MAJOR,
	.minor = CRS_ABI_MINOR,
	.plugin_size = CRS_PLUGIN_SIZE_1_0,
	.route_size = CRS_ROUTE_SIZE_1_0,
	.gateway_size = CRS_GATEWAY_OPS_SIZE_1_0,
	.build_sig = CRS_BUILD_SIG,
};

const struct abi_knowledge *abi_current(void)
{
	return &current;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int known_method(const char *m)
{
	return m && (!strcmp(m, "GET") || !strcmp(m, "POST") || !strcmp(m, "PUT") ||
	             !strcmp(m, "DELETE"));
}

/* The element size of d's routes: route_size since 1.1, 1.0's before. */
static size_t route_stride(const struct crs_plugin *d, size_t size_1_0)
{
	return CRS_HAS_MEMBER(d, route_size) && d->route_size ? d->route_size
	                                                       : size_1_0;
}

static int routes_valid(const struct crs_plugin *d, const struct abi_knowledge *abi,
                        char *err, size_t errsz)
{
	size_t i, stride = route_stride(d, abi->route_size);

	if (d->n_routes && d->abi_minor >= 1 &&
	    (!CRS_HAS_MEMBER(d, route_size) || d->route_size < abi->route_size)) {
		snprintf(err, errsz, "route_size unset or too small (declare the "
		         "routes with CRS_ROUTES)");
		return -1;
	}
	if (stride > 4096) {
		snprintf(err, errsz, "route_size %zu is implausible", stride);
		return -1;
	}
	for (i = 0; i < d->n_routes; i++) {
		struct crs_route r;

		abi_route(d, i, &r);
		if (!known_method(r.method) || !r.path || r.path[0] != '/' ||
		    !r.handler || r.auth > CRS_AUTH_BEARER ||
		    (r.auth == CRS_AUTH_BEARER && !(r.roles && *r.roles) &&
		     !(r.role && *r.role)) || r.deadline_ms < 0) {
			snprintf(err, errsz, "route %zu is malformed", i);
			return -1;
		}
	}
	return 0;
}

static int payable_invalid(const struct crs_payable_ops *p)
{
	return p && (p->struct_size < CRS_PAYABLE_OPS_SIZE_1_1 || !p->name ||
	             !valid_name(p->name) || strlen(p->name) > 32 || !p->quote ||
	             !p->lock || !p->paid);
}

int abi_validate(const struct crs_plugin *d, const char *expect_name,
                    const struct abi_knowledge *abi, char *err, size_t errsz)
{
	const struct crs_gateway_ops *g;

	if (d->magic != CRS_PLUGIN_MAGIC) {
		snprintf(err, errsz, "bad magic 0x%08x (not a CRS plugin)", d->magic);
		return -1;
	}
	if (d->abi_major != abi->major) {
		snprintf(err, errsz, "ABI major %u, crsd speaks %u", d->abi_major,
		         abi->major);
		return -1;
	}
	if (d->abi_minor > abi->minor) {
		snprintf(err, errsz, "built for ABI %u.%u, newer than crsd's %u.%u",
		         d->abi_major, d->abi_minor, abi->major, abi->minor);
		return -1;
	}
	if (d->struct_size < abi->plugin_size) {
		snprintf(err, errsz, "descriptor size %u smaller than ABI 1.0's %zu",
		         d->struct_size, abi->plugin_size);
		return -1;
	}
	if (!d->build_sig || strcmp(d->build_sig, abi->build_sig) != 0) {
		snprintf(err, errsz, "build signature '%s' differs from '%s'",
		         d->build_sig ? d->build_sig : "", abi->build_sig);
		return -1;
	}
	if (!d->name || !valid_name(d->name) || strcmp(d->name, expect_name) != 0) {
		snprintf(err, errsz, "name '%s' must be [a-z0-9_]+ and equal the file "
		         "name '%s'", d->name ? d->name : "", expect_name);
		return -1;
	}
	if (!d->init || !d->destroy) {
		snprintf(err, errsz, "init and destroy are mandatory");
		return -1;
	}
	if (!d->n_routes && !d->gateway && !abi_payable(d)) {
		snprintf(err, errsz, "declares neither routes nor a gateway nor a payable");
		return -1;
	}
	if (routes_valid(d, abi, err, errsz))
		return -1;
	g = d->gateway;
	if (g && (g->struct_size < abi->gateway_size || !g->name ||
	          !g->request_token || !g->describe_redirect ||
	          !g->parse_callback || !g->verify)) {
		snprintf(err, errsz, "gateway ops incomplete");
		return -1;
	}
	if (payable_invalid(abi_payable(d))) {
		snprintf(err, errsz, "payable ops incomplete");
		return -1;
	}
	return 0;
}

const struct crs_payable_ops *abi_payable(const struct crs_plugin *d)
{
	return CRS_HAS_MEMBER(d, payable) ? d->payable : NULL;
}

void abi_route(const struct crs_plugin *d, size_t i, struct crs_route *out)
{
	size_t stride = route_stride(d, CRS_ROUTE_SIZE_1_0);
	const char *base = (const char *)d->routes;

	memset(out, 0, sizeof(*out));
	memcpy(out, base + i * stride, stride < sizeof(*out) ? stride : sizeof(*out));
}

const struct crs_gateway_ops *abi_gateway(const struct crs_plugin *d)
{
	return d->gateway;
}

