/*
 * booking: choosing the office and time (SPEC §3.4): the ranked office list,
 * holding or moving a place, and the sweeper that frees expired holds.  A
 * place is taken with one conditional UPDATE inside the transaction that
 * also moves the application, so no shift is ever booked past its capacity
 * however many citizens race for the last place.
 */
#ifndef REG_BOOKING_H
#define REG_BOOKING_H

struct crs_req;

int offices_handle(struct crs_req *req, void *inst);
int appointment_handle(struct crs_req *req, void *inst);
/* Timer: free holds whose time ran out. */
void booking_sweep(void *inst, void *arg);

#endif
