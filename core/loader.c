/*
 * loader: plugin files, private copies, descriptors (see loader.h).
 */
#include "config.h"

#include "loader.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ltdl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct plugin_code {
	lt_dlhandle handle;
	const struct crs_plugin *desc;
	char copy_path[PATH_MAX];
	char copy_dir[PATH_MAX];
	_Atomic int refs;
};

static struct {
	pthread_mutex_t lt;
	char plugin_dir[PATH_MAX];
	char run_dir[PATH_MAX];
	unsigned gen;
} ld = { .lt = PTHREAD_MUTEX_INITIALIZER };

/* ---- files and copies --------------------------------------------------- */

int loader_init(const char *plugin_dir, const char *run_dir)
{
	char path[PATH_MAX];

	if (!plugin_dir || !realpath(plugin_dir, ld.plugin_dir)) {
		log_error("modules: [core] plugin_dir missing or not found: %s",
		          plugin_dir ? plugin_dir : "(unset)");
		return -1;
	}
	if (!run_dir || !realpath(run_dir, ld.run_dir)) {
		log_error("modules: [core] run_dir missing or not found");
		return -1;
	}
	if (str_fmt(path, sizeof(path), "%s/plugins", ld.run_dir) ||
	    (mkdir(path, 0700) != 0 && errno != EEXIST)) {
		log_error("modules: cannot create %s", path);
		return -1;
	}
	if (lt_dlinit() != 0) {
		log_error("modules: lt_dlinit failed: %s", lt_dlerror());
		return -1;
	}
	return 0;
}

void loader_shutdown(void)
{
	pthread_mutex_lock(&ld.lt);
	lt_dlexit();
	pthread_mutex_unlock(&ld.lt);
}

int loader_resolve(const char *what, char *out, char *name, char *err,
                   size_t errsz)
{
	char cand[PATH_MAX], real[PATH_MAX];
	const char *base, *dot;
	struct stat st;
	size_t dl = strlen(ld.plugin_dir);

	if (strchr(what, '/') ? str_fmt(cand, sizeof(cand), "%s", what)
	                      : str_fmt(cand, sizeof(cand), "%s/%s.so",
	                                ld.plugin_dir, what)) {
		snprintf(err, errsz, "plugin path too long");
		return -1;
	}
	if (!realpath(cand, real)) {
		snprintf(err, errsz, "%s: no such plugin file", cand);
		return -1;
	}
	if (strncmp(real, ld.plugin_dir, dl) != 0 || real[dl] != '/' ||
	    strchr(real + dl + 1, '/')) {
		snprintf(err, errsz, "%s is not in the plugin directory %s", real,
		         ld.plugin_dir);
		return -1;
	}
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s is not a regular file", real);
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		snprintf(err, errsz, "%s must be owned by root or crsd's user and not "
		         "group- or world-writable", real);
		return -1;
	}
	base = real + dl + 1;
	dot = strrchr(base, '.');
	if (!dot || strcmp(dot, ".so") != 0 || (size_t)(dot - base) >= 64) {
		snprintf(err, errsz, "%s: expected NAME.so", base);
		return -1;
	}
	memcpy(name, base, (size_t)(dot - base));
	name[dot - base] = '\0';
	snprintf(out, PATH_MAX, "%s", real);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, rc = -1;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0500);
	if (out < 0)
		goto out_in;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			goto out_out;
	rc = n == 0 ? 0 : -1;
out_out:
	close(out);
out_in:
	close(in);
	return rc;
}

void loader_ref(struct plugin_code *code)
{
	atomic_fetch_add(&code->refs, 1);
}

void loader_unref(struct plugin_code *code)
{
	if (!code || atomic_fetch_sub(&code->refs, 1) != 1)
		return;
	pthread_mutex_lock(&ld.lt);
	if (code->handle)
		lt_dlclose(code->handle);
	pthread_mutex_unlock(&ld.lt);
	unlink(code->copy_path);
	rmdir(code->copy_dir);
	free(code);
}

const struct crs_plugin *loader_desc(const struct plugin_code *code)
{
	return code->desc;
}

/* Map the private copy and find the entry symbol; under ld.lt. */
static int open_copy(struct plugin_code *code, char *err, size_t errsz)
{
	const struct crs_plugin *(*entry)(void);
	lt_dladvise adv;

	if (lt_dladvise_init(&adv) == 0) {
		lt_dladvise_local(&adv);
		code->handle = lt_dlopenadvise(code->copy_path, adv);
		lt_dladvise_destroy(&adv);
	}
	if (!code->handle) {
		snprintf(err, errsz, "cannot load: %s", lt_dlerror());
		return -1;
	}
	*(void **)&entry = lt_dlsym(code->handle, "crs_plugin_entry");
	if (!entry) {
		snprintf(err, errsz, "no entry symbol crs_plugin_entry");
		return -1;
	}
	code->desc = entry();
	if (!code->desc) {
		snprintf(err, errsz, "crs_plugin_entry returned NULL");
		return -1;
	}
	return 0;
}

struct plugin_code *loader_load(const char *src, const char *name, char *err,
                                size_t errsz)
{
	struct plugin_code *code = calloc(1, sizeof(*code));
	unsigned gen;
	int rc;

	if (!code) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	atomic_init(&code->refs, 1);
	pthread_mutex_lock(&ld.lt);
	gen = ++ld.gen;
	pthread_mutex_unlock(&ld.lt);
	/* A fresh path per load: libltdl and the dynamic linker return the
	 * already-mapped object for a path they have seen. */
	if (str_fmt(code->copy_dir, sizeof(code->copy_dir), "%s/plugins/%ld-%u",
	            ld.run_dir, (long)getpid(), gen) ||
	    str_fmt(code->copy_path, sizeof(code->copy_path), "%s/%s.so",
	            code->copy_dir, name) ||
	    mkdir(code->copy_dir, 0700) != 0 || copy_file(src, code->copy_path)) {
		snprintf(err, errsz, "cannot stage %s into %s", src, code->copy_dir);
		goto fail;
	}
	pthread_mutex_lock(&ld.lt);
	rc = open_copy(code, err, errsz);
	pthread_mutex_unlock(&ld.lt);
	if (rc || abi_validate(code->desc, name, abi_current(), err, errsz))
		goto fail;
	return code;
fail:
	loader_unref(code);
	return NULL;
}
