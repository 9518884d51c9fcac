/* abi10_plugin: what a 1.0 plugin was built with (see abi10_plugin.c).  No
 * ABI type here: each side includes its own crs/plugin.h. */
#ifndef CRS_ABI10_PLUGIN_H
#define CRS_ABI10_PLUGIN_H

#include <stddef.h>

struct abi10_sizes {
	size_t plugin, route, gateway_ops, http_request, api;
	unsigned minor;
	const char *build_sig;
};

extern const struct abi10_sizes abi10_sizes;
/* The 1.0 descriptor, as the loader receives it from crs_plugin_entry. */
const void *abi10_desc(void);

#endif
