/*
 * loader: from a file in the plugin directory to a checked descriptor.
 *
 * Trusts only regular files in the plugin directory, owned by root or
 * crsd's user and not group- or world-writable; loads a private copy of the
 * .so per load (libltdl and the dynamic linker would hand back the mapping
 * of a path they have seen, so a reload would run the old code), every lt_*
 * call under one mutex (libltdl is not thread-safe); and checks the
 * descriptor with abi_check.h's rules, refusing with one reason.
 */
#ifndef CRS_LOADER_H
#define CRS_LOADER_H

#include "abi_check.h"

#include <crs/plugin.h>
#include <limits.h>
#include <stddef.h>

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

#endif
