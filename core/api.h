/*
 * api: the services table (struct crs_api) handed to every plugin: thin,
 * checked adapters from the ABI's types to the core modules.
 */
#ifndef CRS_API_H
#define CRS_API_H

#include <crs/plugin.h>

const struct crs_api *api_table(void);
/* The request this worker thread is serving (NULL between requests), so
 * db_release can drop a connection from the request's safety list. */
void api_set_current_request(struct crs_req *req);

#endif
