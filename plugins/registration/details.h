/*
 * details: the citizen's personal details (checked against the civil
 * registry and the offered lunar dates), the four special-needs answers
 * and the mobile number (SPEC §3.2, §3.3, §3.7).
 */
#ifndef REG_DETAILS_H
#define REG_DETAILS_H

struct crs_req;

int details_handle(struct crs_req *req, void *inst);
int needs_handle(struct crs_req *req, void *inst);
int mobile_handle(struct crs_req *req, void *inst);

#endif
