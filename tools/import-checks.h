/*
 * import-checks: what crs-import asks of a parsed row beyond its own
 * values (SPEC §3.9): the civil registry's verdict on the person, the
 * lunar birth date to store, and what an application already in the table
 * means.  Pure: the caller reads the rows and passes them in.
 */
#ifndef CRS_IMPORT_CHECKS_H
#define CRS_IMPORT_CHECKS_H

#include "hijri.h"
#include "import-codes.h"
#include "import-row.h"

#include <stddef.h>
#include <stdint.h>

/* The civil registry's record of a person, as registry_person holds it. */
struct import_person {
	char serial[7];
	char prev_serial[7];     /* "" when none */
	int64_t changed_ms;      /* serial_changed_at; 0 when NULL */
	int32_t birth_jdn;
	char gender[8];
	int alive;
};

/* The site's settings and calendars the checks need. */
struct import_rules {
	int64_t now_ms;
	int64_t min_age_years;             /* [plugin.registration] 15 */
	int64_t serial_wait_seconds;       /* 48 working hours */
	const int32_t *holidays;           /* sorted JDNs */
	size_t n_holidays;
	const struct hijri_month_start *months; /* Iran's announced starts */
	size_t n_months;
};

/*
 * The first page's and the details page's registry checks on a parsed row:
 * the serial is the current one (or, while a change is less than the wait
 * old, the previous one, as on the site; the current one is then not known
 * yet), the person is alive and old enough, and birth date and gender
 * match.  IMP_OK or the refusal.
 */
enum import_code import_check_person(const struct import_row *row,
				     const struct import_person *p,
				     const struct import_rules *rules);

/*
 * The lunar birth date to store, "YYYY/MM/DD": the row's when it gave one
 * and it is among the five the site offers (hijri_options), else
 * IMP_LUNAR_NOT_OFFERED; the computed one (the middle option) when the row
 * gave none.  IMP_LUNAR_DATE_INVALID when the month table is not valid.
 */
enum import_code import_lunar(const struct import_row *row,
			      const struct import_rules *rules,
			      char out[HIJRI_FMT_SIZE]);

/*
 * What the application table already says: ref_found (an application has
 * this legacy_ref, held by ref_nid), nid_found (the citizen has one).
 * IMP_OK (nothing: import), IMP_ALREADY_IMPORTED, IMP_REF_CONFLICT or
 * IMP_HAS_APPLICATION.
 */
enum import_code import_existing(const char *nid, int ref_found,
				 const char *ref_nid, int nid_found);

#endif /* CRS_IMPORT_CHECKS_H */
