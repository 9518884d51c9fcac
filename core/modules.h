/*
 * modules: the plugin registry.  Loads plugins with libltdl (every lt_* call
 * under one mutex; a private copy of the .so per load so a reload never
 * shares the old mapping), validates their descriptors, and keeps one slot
 * per plugin name with its routes and current instance.
 *
 * Dispatch pins the current instance (an in-flight counter) under a read
 * lock; enable, disable, reload and load swap instances under the write lock.
 * A replaced or disabled instance is quiesced and parked until its in-flight
 * requests and jobs reach zero, then destroyed and its code unloaded by the
 * reaper: requests in flight finish on the code they started on.  A disabled
 * slot keeps its routes so they answer 503 MODULE_DISABLED.
 */
#ifndef CRS_MODULES_H
#define CRS_MODULES_H

#include <crs/plugin.h>

struct conf;
struct crs_req;
struct json_object;
struct plugin_instance;

/* What a plugin holds as its pctx: a handle back to its instance. */
struct crs_plugin_ctx {
	struct plugin_instance *inst;
};

int modules_init(const struct conf *cfg, const struct crs_api *api);
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
 * released with modules_unpin.  Sets req->plugin and req->route. */
enum modules_route_rc modules_route(struct crs_req *req,
                                    const struct crs_route **route,
                                    struct plugin_instance **inst);
void modules_unpin(struct plugin_instance *inst);
void *modules_inst_data(struct plugin_instance *inst);
int modules_inst_serialised(struct plugin_instance *inst);
void modules_inst_lock(struct plugin_instance *inst);
void modules_inst_unlock(struct plugin_instance *inst);

/* Pin the instance serving gateway name; NULL if none.  for_new: only an
 * enabled gateway takes new payments; callbacks and verification of
 * payments already at the bank also reach a draining one. */
struct plugin_instance *modules_gateway_pin(const char *name, int for_new,
                                            const struct crs_gateway_ops **ops,
                                            void **inst_data);
/* Names of draining gateways ("a b c"), for the payments reconciler. */
void modules_draining_gateways(char *out, size_t outsz);
/* A draining gateway has no open payment left: disable it for good. */
void modules_gateway_drained(const char *gateway);
/* A JSON array of enabled gateways [{name,title}] (new reference). */
struct json_object *modules_gateways_json(void);

/* Admin operations.  Each returns CRS_OK and a new JSON object for the
 * module in *out, or an error with a message in err. */
int modules_enable(const char *name, struct json_object **out, char *err,
                   size_t errsz);
int modules_disable(const char *name, struct json_object **out, char *err,
                    size_t errsz);
int modules_reload(const char *name, struct json_object **out, char *err,
                   size_t errsz);
int modules_load(const char *path, struct json_object **out, char *err,
                 size_t errsz);
struct json_object *modules_list_json(void);
/* Summary for health: {name: state}. */
struct json_object *modules_health_json(void);

/* Destroy drained instances; called periodically by the job thread. */
void modules_reap(void);

/* Job accounting for jobs.c. */
void modules_job_hold(struct plugin_instance *inst);
void modules_job_drop(struct plugin_instance *inst);
int modules_inst_cancelled(struct plugin_instance *inst);
const char *modules_inst_name(struct plugin_instance *inst);
const struct conf *modules_conf(void);

#endif
