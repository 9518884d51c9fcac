/*
 * modules_pay: the modules that take part in payments, found by what they
 * provide: the gateway of a name, the payable of a name, and the draining
 * ones with the gateway and payable they still have open attempts of.
 */
#ifndef CRS_MODULES_PAY_H
#define CRS_MODULES_PAY_H

#include <crs/plugin.h>

struct plugin_instance;

/* Pin the instance serving gateway name; NULL if none.  for_new: only an
 * enabled gateway takes new payments; callbacks and verification of
 * payments already at the bank also reach a draining one. */
struct plugin_instance *modules_gateway_pin(const char *name, int for_new,
                                            const struct crs_gateway_ops **ops,
                                            void **inst_data);
/* The same for a payable (name NULL: the first one). */
struct plugin_instance *modules_payable_pin(const char *name, int for_new,
                                            const struct crs_payable_ops **ops,
                                            void **inst_data);

/* Each draining module with its gateway and payable names (NULL when it
 * has none), for the payments reconciler. */
typedef void (*modules_pay_drain_fn)(const char *module, const char *gateway,
                                     const char *payable, void *arg);
void modules_pay_each_draining(modules_pay_drain_fn fn, void *arg);

#endif
