/*
 * modules: the module registry.  One slot per plugin name with its routes
 * and current instance; the code comes from the loader (loader.h).
 *
 * Dispatch pins the current instance (an in-flight counter) under a read
 * lock; enable, disable, reload and load swap instances under the write lock.
 * A replaced or disabled instance is quiesced and parked until its in-flight
 * requests and jobs reach zero, then destroyed and its code unloaded by the
 * reaper: requests in flight finish on the code they started on.  A disabled
 * slot keeps its routes so they answer 503 MODULE_DISABLED.  A disabled
 * gateway or payable drains: callbacks and the reconciler still reach it
 * until no payment of it is open.  What the admin API shows is built from
 * struct module_view in modules_json.c.
 */
#ifndef CRS_MODULES_H
#define CRS_MODULES_H

#include <crs/plugin.h>

struct conf;
struct crs_req;
struct plugin_instance;

/* What a plugin holds as its pctx: a handle back to its instance. */
struct crs_plugin_ctx {
	struct plugin_instance *inst;
};

/* One route of a slot, as matched (owned copies of the plugin's strings). */
struct module_route {
	char *method;
	char *path;
	size_t index;          /* into the code's routes */
	unsigned flags;        /* CRS_ROUTE_* */
	int admin;
};

/* A module as the admin API shows it; valid during the callback only. */
struct module_view {
	const char *name;
	const char *version;
	unsigned abi_major, abi_minor;
	const char *state;             /* enabled | disabled | draining */
	int in_flight;
	const char *gateway;           /* its gateway's name, or NULL */
	const char *gateway_title;
	int takes_payments;            /* an enabled gateway */
	const struct module_route *routes;
	size_t n_routes;
};

typedef void (*modules_view_fn)(const struct module_view *v, void *arg);

/* core_routes: the core's own routes, which no plugin may overlap. */
int modules_init(const struct conf *cfg, const struct crs_api *api,
                 const struct crs_route *core_routes, size_t n_core_routes);
/* Load the modules named in [core] modules; a refused one is logged and
 * skipped. */
void modules_load_configured(void);
void modules_shutdown(void);

enum modules_route_rc {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND = 1,
	ROUTE_DISABLED = 2,
	ROUTE_BAD_METHOD = 3
};

/* Find the route for req; on ROUTE_FOUND the instance is pinned and must be
 * released with modules_unpin, and *route (the core's layout) is valid
 * while it is.  Sets req->plugin and req->route. */
enum modules_route_rc modules_route(struct crs_req *req,
                                    const struct crs_route **route,
                                    struct plugin_instance **inst);
void modules_unpin(struct plugin_instance *inst);
void *modules_inst_data(struct plugin_instance *inst);
int modules_inst_serialised(struct plugin_instance *inst);
void modules_inst_lock(struct plugin_instance *inst);
void modules_inst_unlock(struct plugin_instance *inst);
int modules_inst_cancelled(struct plugin_instance *inst);
const char *modules_inst_name(struct plugin_instance *inst);
const struct conf *modules_conf(void);

/* Pin the first instance whose descriptor match()es key, or NULL; release
 * it with modules_unpin.  for_new: only an enabled module takes new work;
 * payments already at the bank also reach a draining one. */
typedef int (*modules_match_fn)(const struct crs_plugin *d, const void *key);
struct plugin_instance *modules_pin_where(modules_match_fn match, const void *key,
                                          int for_new);
const struct crs_plugin *modules_inst_desc(struct plugin_instance *inst);
/* The draining modules (a disabled gateway or payable keeps its instance
 * while payments of it are open), each pinned while fn runs. */
typedef void (*modules_drain_fn)(const char *module, const struct crs_plugin *d,
                                 void *arg);
void modules_each_draining(modules_drain_fn fn, void *arg);
/* A draining module has no open payment left: disable it for good. */
void modules_drained(const char *module);

/* Every module, under the registry's read lock. */
void modules_each(modules_view_fn fn, void *arg);

/* Admin operations: CRS_OK, then fn (may be NULL) sees the module; or an
 * error with a message in err. */
int modules_enable(const char *name, modules_view_fn fn, void *arg, char *err,
                   size_t errsz);
int modules_disable(const char *name, modules_view_fn fn, void *arg, char *err,
                    size_t errsz);
int modules_reload(const char *name, modules_view_fn fn, void *arg, char *err,
                   size_t errsz);
int modules_load(const char *path, modules_view_fn fn, void *arg, char *err,
                 size_t errsz);

/* Destroy drained instances (a core timer runs it). */
void modules_reap(void);

#endif
