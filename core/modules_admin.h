/*
 * modules_admin: the modules as the admin API and the citizen's gateway
 * list show them (JSON built from struct module_view), and the admin
 * routes that list, enable, disable, reload and load them.
 */
#ifndef CRS_MODULES_ADMIN_H
#define CRS_MODULES_ADMIN_H

#include <crs/plugin.h>

struct json_object;

/* GET /admin/v1/modules, POST /admin/v1/modules/{name}/{action},
 * POST /admin/v1/modules/load. */
int modules_admin_list(struct crs_req *req, void *unused);
int modules_admin_action(struct crs_req *req, void *unused);
int modules_admin_load(struct crs_req *req, void *unused);

/* {name: state} of every module, for health (new reference). */
struct json_object *modules_health_json(void);
/* [{name, title}] of the gateways taking payments (new reference). */
struct json_object *modules_gateways_json(void);

#endif
