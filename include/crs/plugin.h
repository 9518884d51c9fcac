/*
 * crs/plugin.h: the one ABI between crsd and its plugins (installed; see
 * crs-plugin.pc).  Its types are in crs/plugin_types.h and the services
 * table in crs/plugin_api.h, both included here: a plugin includes this.
 *
 * A plugin is a shared object exporting one symbol, crs_plugin_entry(),
 * written with CRS_PLUGIN_DEFINE().  It returns a const descriptor (struct
 * crs_plugin): identity, routes, life-cycle hooks and typed extension points
 * such as a payment gateway.  Every service of the core (database pool,
 * configuration, log, HTTP client, sessions, captcha, payments,
 * notifications, jobs, clock) reaches the plugin through the table struct
 * crs_api handed to init(); a plugin links against no symbol of crsd.
 *
 * Compatibility (as SQLite keeps its interfaces): abi_major must equal the
 * core's; abi_minor may be older, and the core then reads only what that
 * minor knew.  Structs grow by appending only, each new group marked
 * "since 1.N".  How each struct tells its size across the boundary:
 *   - filled by the plugin and read by the core (struct crs_plugin, struct
 *     crs_gateway_ops, struct crs_payable_ops, struct crs_http_request and
 *     every struct new in 1.1): a struct_size member, which the core checks
 *     against the frozen size of the oldest minor (CRS_*_SIZE_1_0) and
 *     reads newer members only when it covers them;
 *   - the route array: its element size is the descriptor's route_size
 *     (since 1.1; 1.0 routes are CRS_ROUTE_SIZE_1_0 bytes);
 *   - lent by the core for the plugin to fill (struct crs_pay_redirect,
 *     crs_pay_callback, crs_pay_outcome) or to read (struct crs_api, struct
 *     crs_principal, struct crs_pay_attempt): the core's own, newest
 *     layout, zeroed, of which an older plugin knows a prefix;
 *   - owned by the plugin and filled by the core (struct crs_http_response,
 *     struct crs_err): frozen for all of 1.x.
 * A plugin built against a newer minor is refused.  Test CRS_API_HAS()
 * before using a member of struct crs_api added after the minor you need.
 *
 * Threads: handlers run concurrently on the core's worker threads.  Keep
 * per-instance state read-only after init() or protect it yourself.  Never
 * retain a struct crs_req, or any pointer obtained from it, after the
 * handler returns.  Never call process-wide functions (exit, signal,
 * setlocale, curl_global_*, mysql_library_*, lt_dl*), never start threads
 * (use jobs and timers) and never open a database connection of your own.
 *
 * Errors: functions return 0 (CRS_OK) or a negative enum crs_rc.  A handler
 * that refuses a request calls api->fail() with a public code and a Persian
 * message; the core renders the error body of API.md and logs the detail.
 */
#ifndef CRS_PLUGIN_H
#define CRS_PLUGIN_H

#include <json-c/json_c_version.h>
#include <crs/plugin_types.h>
#include <crs/plugin_api.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRS_ABI_MAJOR 1
#define CRS_ABI_MINOR 1
#define CRS_PLUGIN_MAGIC 0x50535243u /* "CRSP" little-endian */

/* Plugin flags. */
#define CRS_PLUGIN_THREAD_SAFE 0x1u /* handlers may run concurrently */

/*
 * The descriptor.  Fill it with CRS_PLUGIN_INIT so that the identity fields
 * are right and omitted members are NULL.
 */
struct crs_plugin {
	uint32_t magic;
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t struct_size;
	const char *build_sig;
	const char *name;        /* [a-z0-9_]+, equals the .so file name */
	const char *version;
	const char *description;
	unsigned flags;          /* CRS_PLUGIN_* */
	const struct crs_route *routes;
	size_t n_routes;
	/* Build the instance: read config, prepare state; *inst is handed to
	 * every handler.  On failure fill err and return a negative crs_rc. */
	int (*init)(const struct crs_api *api, struct crs_plugin_ctx *pctx,
	            void **inst, struct crs_err *err);
	/* Stop starting new work (optional); handlers may still be running. */
	void (*quiesce)(void *inst);
	/* Free the instance; no handler, job or timer runs any more. */
	void (*destroy)(void *inst);
	/* Extension points (NULL when not provided). */
	const struct crs_gateway_ops *gateway;
	/* since 1.1 */
	size_t route_size;       /* sizeof(struct crs_route) (CRS_ROUTES sets it) */
	const struct crs_payable_ops *payable;
};

/* Frozen sizes of the 1.0 structs that tell their size: the smallest the
 * core accepts. */
#define CRS_PLUGIN_SIZE_1_0 CRS_SIZE_THROUGH(struct crs_plugin, gateway)
#define CRS_GATEWAY_OPS_SIZE_1_0 CRS_SIZE_THROUGH(struct crs_gateway_ops, reverse)
#define CRS_HTTP_REQUEST_SIZE_1_0 \
	CRS_SIZE_THROUGH(struct crs_http_request, max_response)
/* Does struct s (of a plugin: s->struct_size) have member m? */
#define CRS_HAS_MEMBER(s, m) \
	((size_t)(s)->struct_size >= CRS_SIZE_THROUGH(__typeof__(*(s)), m))

#define CRS_STR2(x) #x
#define CRS_STR(x) CRS_STR2(x)
/* json-c objects cross the boundary: core and plugin must share json-c's
 * shared-library ABI (its soname, 5 since json-c 0.15), read from json-c's
 * own version macros. */
#if JSON_C_MAJOR_VERSION == 0 && JSON_C_MINOR_VERSION >= 15
#define CRS_JSONC_ABI 5
#elif JSON_C_MAJOR_VERSION == 0 && JSON_C_MINOR_VERSION >= 13
#define CRS_JSONC_ABI 4
#else
#error "json-c 0.13 or later is required"
#endif
/* Layout facts that must agree between core and plugin. */
#define CRS_BUILD_SIG \
	"ptr" CRS_STR(__SIZEOF_POINTER__) "-long" CRS_STR(__SIZEOF_LONG__) \
	"-abi" CRS_STR(CRS_ABI_MAJOR) "-jsonc" CRS_STR(CRS_JSONC_ABI)

#define CRS_PLUGIN_INIT                          \
	.magic = CRS_PLUGIN_MAGIC,                   \
	.abi_major = CRS_ABI_MAJOR,                  \
	.abi_minor = CRS_ABI_MINOR,                  \
	.struct_size = sizeof(struct crs_plugin),    \
	.build_sig = CRS_BUILD_SIG

#define CRS_ROUTES(arr) .routes = (arr), .n_routes = sizeof(arr) / sizeof((arr)[0]), \
	.route_size = sizeof(struct crs_route)

/* Define the entry symbol returning desc (a static const struct crs_plugin). */
#define CRS_PLUGIN_DEFINE(desc)                                          \
	__attribute__((visibility("default"))) const struct crs_plugin *  \
	crs_plugin_entry(void);                                          \
	const struct crs_plugin *crs_plugin_entry(void) { return &(desc); }

#ifdef __cplusplus
}
#endif

#endif /* CRS_PLUGIN_H */
