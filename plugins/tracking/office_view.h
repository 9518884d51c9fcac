/*
 * office_view: what an office operator reads (API.md §Office): one of its
 * citizens' applications by tracking code.
 */
#ifndef TRK_OFFICE_VIEW_H
#define TRK_OFFICE_VIEW_H

struct crs_req;

/* GET /api/v1/office/applications/{tracking_code} */
int office_application_handle(struct crs_req *req, void *inst);

#endif
