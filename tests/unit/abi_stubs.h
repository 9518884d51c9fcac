/* abi_stubs: a handler, init and destroy that do nothing, for descriptors
 * built in the unit tests (included after one crs/plugin.h or the other). */
#ifndef CRS_ABI_STUBS_H
#define CRS_ABI_STUBS_H

static int h(struct crs_req *req, void *inst)
{
	(void)req;
	(void)inst;
	return CRS_HANDLED;
}

static int init(const struct crs_api *api, struct crs_plugin_ctx *pctx, void **inst,
                struct crs_err *err)
{
	(void)api;
	(void)pctx;
	(void)err;
	*inst = NULL;
	return CRS_OK;
}

static void destroy(void *inst)
{
	(void)inst;
}

#endif
