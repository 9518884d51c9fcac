/*
 * t_refuse: one source, five test plugins the loader must refuse, each for
 * one reason chosen at build time (REFUSE_*), plus NAME for the file name.
 */
#include <crs/plugin.h>
#include <stddef.h>

#define XSTR(x) #x
#define STR(x) XSTR(x)

static int h_never(struct crs_req *req, void *inst)
{
	(void)req;
	(void)inst;
	return CRS_ERROR;
}

static int refuse_init(const struct crs_api *api, struct crs_plugin_ctx *pctx,
                       void **inst, struct crs_err *err)
{
	(void)api;
	(void)pctx;
	*inst = NULL;
#ifdef REFUSE_INITFAIL
	err->msg[0] = 'x';
	err->msg[1] = '\0';
	return CRS_EINVAL;
#else
	(void)err;
	return CRS_OK;
#endif
}

static void refuse_destroy(void *inst)
{
	(void)inst;
}

static const struct crs_route routes[] = {
	CRS_ROUTE_DEF("GET", "/api/v1/t/" STR(NAME), h_never, 0, CRS_AUTH_NONE, NULL),
};

#ifdef REFUSE_BADMAGIC
#define MAGIC 0xdeadbeefu
#else
#define MAGIC CRS_PLUGIN_MAGIC
#endif
#ifdef REFUSE_OLDMAJOR
#define MAJOR (CRS_ABI_MAJOR - 1)
#else
#define MAJOR CRS_ABI_MAJOR
#endif
#ifdef REFUSE_NEWMINOR
#define MINOR (CRS_ABI_MINOR + 1)
#else
#define MINOR CRS_ABI_MINOR
#endif

static const struct crs_plugin desc = {
	.magic = MAGIC,
	.abi_major = MAJOR,
	.abi_minor = MINOR,
	.struct_size = sizeof(struct crs_plugin),
	.build_sig = CRS_BUILD_SIG,
	.name = STR(NAME),
	.version = "0",
	CRS_ROUTES(routes),
	.init = refuse_init,
	.destroy = refuse_destroy,
};

#ifdef REFUSE_NOENTRY
/* Exports something else: the loader must not find crs_plugin_entry. */
__attribute__((visibility("default"))) const struct crs_plugin *
not_the_entry(void);
const struct crs_plugin *not_the_entry(void)
{
	return &desc;
}
#else
CRS_PLUGIN_DEFINE(desc)
#endif
