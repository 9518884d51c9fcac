/*
 * login: the first page (POST /api/v1/session with every check of SPEC
 * §3.1 and the routing table), logout, the application read, and the lunar
 * birth-date options.
 */
#ifndef REG_LOGIN_H
#define REG_LOGIN_H

#include <stdint.h>

struct crs_req;

int login_handle(struct crs_req *req, void *inst);
int logout_handle(struct crs_req *req, void *inst);
int application_handle(struct crs_req *req, void *inst);
int lunar_options_handle(struct crs_req *req, void *inst);

/* The five lunar dates offered for a solar birth day ("YYYY/MM/DD" each). */
struct reg;
struct crs_db;
int lunar_options(struct reg *r, struct crs_db *db, int32_t jdn,
                  char out[5][11]);

#endif
