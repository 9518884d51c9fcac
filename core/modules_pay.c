/*
 * modules_pay: gateways and payables among the modules (see modules_pay.h).
 */
#include "config.h"

#include "modules_pay.h"
#include "abi_check.h"
#include "modules.h"

#include <string.h>

static int is_gateway(const struct crs_plugin *d, const void *name)
{
	const struct crs_gateway_ops *g = abi_gateway(d);

	return g && strcmp(g->name, name) == 0;
}

static int is_payable(const struct crs_plugin *d, const void *name)
{
	const struct crs_payable_ops *p = abi_payable(d);

	return p && (!name || strcmp(p->name, name) == 0);
}

struct plugin_instance *modules_gateway_pin(const char *name, int for_new,
                                            const struct crs_gateway_ops **ops,
                                            void **inst_data)
{
	struct plugin_instance *in = name ? modules_pin_where(is_gateway, name, for_new)
	                                  : NULL;

	if (in) {
		*ops = abi_gateway(modules_inst_desc(in));
		*inst_data = modules_inst_data(in);
	}
	return in;
}

struct plugin_instance *modules_payable_pin(const char *name, int for_new,
                                            const struct crs_payable_ops **ops,
                                            void **inst_data)
{
	struct plugin_instance *in = modules_pin_where(is_payable, name, for_new);

	if (in) {
		*ops = abi_payable(modules_inst_desc(in));
		*inst_data = modules_inst_data(in);
	}
	return in;
}

struct named {
	modules_pay_drain_fn fn;
	void *arg;
};

static void name_them(const char *module, const struct crs_plugin *d, void *arg)
{
	const struct crs_gateway_ops *g = abi_gateway(d);
	const struct crs_payable_ops *p = abi_payable(d);
	struct named *n = arg;

	n->fn(module, g ? g->name : NULL, p ? p->name : NULL, n->arg);
}

void modules_pay_each_draining(modules_pay_drain_fn fn, void *arg)
{
	struct named n = { fn, arg };

	modules_each_draining(name_them, &n);
}
