/*
 * abi_check: the descriptor rules of the plugin ABI, pure.  A descriptor
 * is checked against what a loader knows of the ABI (struct abi_knowledge:
 * this core's, or in the unit tests an older core's), and routes are copied
 * into the core's own, newest layout, so nothing beyond a plugin's own
 * route size is ever read.
 */
#ifndef CRS_ABI_CHECK_H
#define CRS_ABI_CHECK_H

#include <crs/plugin.h>
#include <stddef.h>

/* What a loader knows of the ABI: the newest minor and the oldest sizes it
 * accepts.  abi_current() is this core's. */
struct abi_knowledge {
	unsigned major;
	unsigned minor;
	size_t plugin_size;        /* frozen 1.0 descriptor size */
	size_t route_size;         /* frozen 1.0 route size */
	size_t gateway_size;       /* frozen 1.0 gateway ops size */
	const char *build_sig;
};

const struct abi_knowledge *abi_current(void);

/* The descriptor rules, checked in order against abi; one reason on
 * refusal. */
int abi_validate(const struct crs_plugin *d, const char *expect_name,
                    const struct abi_knowledge *abi, char *err, size_t errsz);
/* Route i of d in the core's layout (members d's minor did not know are
 * zero).  d must have passed abi_validate. */
void abi_route(const struct crs_plugin *d, size_t i, struct crs_route *out);
/* d's gateway ops, or NULL. */
const struct crs_gateway_ops *abi_gateway(const struct crs_plugin *d);
/* d's payable ops (since 1.1), or NULL. */
const struct crs_payable_ops *abi_payable(const struct crs_plugin *d);

#endif
