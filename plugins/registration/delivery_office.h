/*
 * delivery_office: where the citizen collects the card (SPEC §3.7, §3.8,
 * §5): the offices of a city that deliver cards, and changing one's choice
 * until card production starts.
 */
#ifndef REG_DELIVERY_OFFICE_H
#define REG_DELIVERY_OFFICE_H

struct crs_req;

int delivery_offices_handle(struct crs_req *req, void *inst);
int delivery_office_set_handle(struct crs_req *req, void *inst);

#endif
