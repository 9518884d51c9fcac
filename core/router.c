/*
 * router: path template matching (see router.h).
 */
#include "config.h"

#include "router.h"

#include <string.h>

#define MAX_CAPTURES 8

static size_t seg_len(const char *s)
{
	return strcspn(s, "/");
}

int router_match(struct crs_req *req, const char *t, const char *p)
{
	struct kv caps[MAX_CAPTURES];
	size_t n = 0;

	while (*t && *p) {
		size_t tl, pl;

		if (*t != '/' || *p != '/')
			return 0;
		t++;
		p++;
		tl = seg_len(t);
		pl = seg_len(p);
		if (tl > 2 && t[0] == '{' && t[tl - 1] == '}') {
			if (pl == 0 || n == MAX_CAPTURES)
				return 0;
			caps[n].k = arena_strndup(&req->arena, t + 1, tl - 2);
			caps[n].v = arena_strndup(&req->arena, p, pl);
			if (!caps[n].k || !caps[n].v)
				return 0;
			n++;
		} else if (tl != pl || memcmp(t, p, tl) != 0) {
			return 0;
		}
		t += tl;
		p += pl;
	}
	if (*t || *p)
		return 0;
	req->params.v = arena_alloc(&req->arena, (n ? n : 1) * sizeof(struct kv));
	if (!req->params.v)
		return 0;
	memcpy(req->params.v, caps, n * sizeof(struct kv));
	req->params.n = n;
	req->params.parsed = 1;
	return 1;
}

int router_is_admin_path(const char *tmpl)
{
	return strncmp(tmpl, "/admin/", 7) == 0;
}

int router_overlap(const char *a, const char *b)
{
	while (*a && *b) {
		size_t al, bl;
		int acap, bcap;

		if (*a != '/' || *b != '/')
			return *a == *b;
		a++;
		b++;
		al = seg_len(a);
		bl = seg_len(b);
		acap = al > 2 && a[0] == '{';
		bcap = bl > 2 && b[0] == '{';
		if (!acap && !bcap && (al != bl || memcmp(a, b, al) != 0))
			return 0;
		a += al;
		b += bl;
	}
	return *a == *b;
}
