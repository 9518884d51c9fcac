/*
 * calendar_admin: the administrator's table of Iran's announced lunar month
 * starts (moon sighting), which override the tabular calendar in the lunar
 * birth-date options (SPEC §3.2): list it and set one month's first day.
 */
#ifndef REG_CALENDAR_ADMIN_H
#define REG_CALENDAR_ADMIN_H

struct crs_req;

int hijri_months_list_handle(struct crs_req *req, void *inst);
int hijri_month_set_handle(struct crs_req *req, void *inst);

#endif
