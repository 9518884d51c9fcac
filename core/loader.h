/*
 * loader: from a file in the plugin directory to a checked descriptor.
 *
 * Trusts only regular files in the plugin directory, owned by root or
 * crsd's user and not group- or world-writable; loads a private copy of the
 * .so per load (libltdl and the dynamic linker would hand back the mapping
 * of a path they have seen, so a reload would run the old code), every lt_*
 * call under one mutex (libltdl is not thread-safe); and checks the
 * descriptor against what this core knows of the ABI (struct loader_abi),
 * refusing with one reason.  Routes are copied into the core's own, newest
 * layout, so nothing beyond a plugin's own route size is ever read.
 */
#ifndef CRS_LOADER_H
#define CRS_LOADER_H

#include <crs/plugin.h>
#include <limits.h>
#include <stddef.h>

/* What a loader knows of the ABI: the newest minor and the oldest sizes it
 * accepts.  loader_abi_current() is this core's. */
struct loader_abi {
	unsigned major;
	unsigned minor;
	size_t plugin_size;        /* frozen 1.0 descriptor size */
	size_t route_size;         /* frozen 1.0 route size */
	size_t gateway_size;       /* frozen 1.0 gateway ops size */
	const char *build_sig;
};

const struct loader_abi *loader_abi_current(void);

/* One loaded copy of a plugin's code, shared by a slot and its instances. */
struct plugin_code;

int loader_init(const char *plugin_dir, const char *run_dir);
void loader_shutdown(void);

/* Resolve what (a plugin name, or a path inside the plugin directory) to the
 * trusted file src (PATH_MAX) and its plugin name (64). */
int loader_resolve(const char *what, char *src, char *name, char *err,
                   size_t errsz);
/* Load a private copy of src and check its descriptor (name must be
 * expect_name).  One reference for the caller. */
struct plugin_code *loader_load(const char *src, const char *expect_name,
                                char *err, size_t errsz);
void loader_ref(struct plugin_code *code);
void loader_unref(struct plugin_code *code);
const struct crs_plugin *loader_desc(const struct plugin_code *code);

/* The descriptor rules, checked in order against abi; one reason on
 * refusal (pure: the unit tests check it against 1.0's knowledge). */
int loader_validate(const struct crs_plugin *d, const char *expect_name,
                    const struct loader_abi *abi, char *err, size_t errsz);
/* Route i of d in the core's layout (members d's minor did not know are
 * zero).  d must have passed loader_validate. */
void loader_route(const struct crs_plugin *d, size_t i, struct crs_route *out);
/* d's gateway ops, or NULL. */
const struct crs_gateway_ops *loader_gateway(const struct crs_plugin *d);

#endif
