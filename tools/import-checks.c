/*
 * import-checks: the registry's verdict, the lunar date and what an
 * existing application means (see import-checks.h).
 */
#include "config.h"

#include "import-checks.h"

#include "jalali.h"
#include "workhours.h"

#include <string.h>
#include <time.h>

enum import_code import_check_person(const struct import_row *row,
				     const struct import_person *p,
				     const struct import_rules *rules)
{
	struct jalali_date bj, tj;
	int32_t today;
	int sec, recent = 0, age;

	if (p->changed_ms > 0) {
		int64_t worked = 0;

		if (workhours_between((time_t)(p->changed_ms / 1000),
				      (time_t)(rules->now_ms / 1000),
				      rules->holidays, rules->n_holidays,
				      &worked) == WORKHOURS_OK)
			recent = worked < rules->serial_wait_seconds;
	}
	if (strcmp(row->serial, p->serial) == 0) {
		if (recent)
			return IMP_SERIAL_NOT_YET_KNOWN;
	} else if (!(recent && p->prev_serial[0] &&
		     strcmp(row->serial, p->prev_serial) == 0)) {
		/* The previous serial works only until the new one is known. */
		return IMP_ID_SERIAL_MISMATCH;
	}
	if (!p->alive)
		return IMP_PERSON_DECEASED;
	if (jalali_tehran_local((time_t)(rules->now_ms / 1000), &today, &sec) !=
		    JALALI_OK ||
	    jalali_from_jdn(p->birth_jdn, &bj) != JALALI_OK ||
	    jalali_from_jdn(today, &tj) != JALALI_OK)
		return IMP_UNDER_AGE;
	age = jalali_age_years(&bj, &tj);
	if (age < 0 || age < rules->min_age_years)
		return IMP_UNDER_AGE;
	if (row->birth_jdn != p->birth_jdn)
		return IMP_BIRTH_DATE_MISMATCH;
	if (strcmp(row->gender, p->gender) != 0)
		return IMP_GENDER_MISMATCH;
	return IMP_OK;
}

enum import_code import_lunar(const struct import_row *row,
			      const struct import_rules *rules,
			      char out[HIJRI_FMT_SIZE])
{
	struct hijri_date opts[HIJRI_OPTIONS];
	int i;

	out[0] = '\0';
	if (hijri_options(row->birth_jdn, rules->months, rules->n_months,
			  opts) != HIJRI_OK)
		return IMP_LUNAR_DATE_INVALID;
	if (!row->has_lunar)
		return hijri_format(&opts[HIJRI_OPTIONS / 2], out,
				    HIJRI_FMT_SIZE) == HIJRI_OK
		       ? IMP_OK : IMP_LUNAR_DATE_INVALID;
	for (i = 0; i < HIJRI_OPTIONS; i++) {
		if (opts[i].year == row->lunar.year &&
		    opts[i].month == row->lunar.month &&
		    opts[i].day == row->lunar.day)
			return hijri_format(&opts[i], out, HIJRI_FMT_SIZE) ==
			       HIJRI_OK ? IMP_OK : IMP_LUNAR_DATE_INVALID;
	}
	return IMP_LUNAR_NOT_OFFERED;
}

enum import_code import_existing(const char *nid, int ref_found,
				 const char *ref_nid, int nid_found)
{
	if (ref_found)
		return ref_nid && strcmp(ref_nid, nid) == 0 ? IMP_ALREADY_IMPORTED
							    : IMP_REF_CONFLICT;
	return nid_found ? IMP_HAS_APPLICATION : IMP_OK;
}
