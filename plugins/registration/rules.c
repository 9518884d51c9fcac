/*
 * rules: nearness and office ranking (see rules.h).
 */

#include "rules.h"

#include <stdlib.h>
#include <string.h>

static int first4(const char *s)
{
	int v = 0, n = 0;

	for (; *s && n < 4; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		n++;
	}
	return n == 4 ? v : -1;
}

int phone_distance(const char *citizen, const char *office)
{
	int a = first4(citizen), b = first4(office);

	if (a < 0 || b < 0)
		return -1;
	return abs(a - b);
}

static int by_nearness(const void *x, const void *y)
{
	const struct office_row *a = x, *b = y;

	if (a->distance != b->distance)
		return a->distance < b->distance ? -1 : 1;
	if (a->office_id != b->office_id)
		return a->office_id < b->office_id ? -1 : 1;
	return a->shift - b->shift;
}

/* free/capacity compared exactly: a.free * b.cap vs b.free * a.cap. */
static int by_free_share(const void *x, const void *y)
{
	const struct office_row *a = x, *b = y;
	int64_t l = (int64_t)a->free * (b->capacity > 0 ? b->capacity : 1);
	int64_t r = (int64_t)b->free * (a->capacity > 0 ? a->capacity : 1);

	if (a->capacity <= 0 || b->capacity <= 0) {
		l = a->capacity > 0 && a->free > 0;
		r = b->capacity > 0 && b->free > 0;
	}
	if (l != r)
		return l > r ? -1 : 1;
	return by_nearness(x, y);
}

size_t rank_office_rows(struct office_row *rows, size_t n, size_t keep)
{
	size_t i, kept = 0, offices = 0;

	qsort(rows, n, sizeof(*rows), by_nearness);
	/* Rows of one office are adjacent now; keep whole offices, nearest
	 * first, as long as the office has a free place in some shift. */
	for (i = 0; i < n && offices < keep;) {
		size_t j = i;
		int any_free = 0;

		while (j < n && rows[j].office_id == rows[i].office_id) {
			any_free |= rows[j].free > 0;
			j++;
		}
		if (any_free) {
			memmove(&rows[kept], &rows[i], (j - i) * sizeof(*rows));
			kept += j - i;
			offices++;
		}
		i = j;
	}
	qsort(rows, kept, sizeof(*rows), by_free_share);
	return kept;
}
