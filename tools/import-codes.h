/*
 * import-codes: the outcomes of crs-import (SPEC §3.9), one code for each
 * reason a row is or is not imported.  The CSV reader, the row validation,
 * the checks and the database writes all speak in these codes, and the
 * report shows their names and reasons.
 */
#ifndef CRS_IMPORT_CODES_H
#define CRS_IMPORT_CODES_H

/* Why a row was not imported (or that it was); each has a stable name for
 * the report and a Persian and an English reason. */
enum import_code {
	IMP_OK = 0,
	/* the CSV itself */
	IMP_CSV_QUOTE,           /* '"' inside an unquoted field */
	IMP_CSV_AFTER_QUOTE,     /* text after a closing quote */
	IMP_CSV_UNTERMINATED,    /* end of file inside a quoted field */
	IMP_CSV_TOO_LONG,        /* record over the reader's limit */
	IMP_CSV_TOO_MANY_FIELDS, /* more than CSV_MAX_FIELDS fields */
	IMP_CSV_NUL,             /* a NUL byte */
	IMP_CSV_UTF8,            /* not valid UTF-8 */
	IMP_CSV_FIELD_COUNT,     /* not as many fields as the header */
	/* the row's values, as the site checks its forms */
	IMP_PORTAL_REF_INVALID,
	IMP_NATIONAL_ID_INVALID,
	IMP_SERIAL_INVALID,
	IMP_BIRTH_DATE_INVALID,
	IMP_LUNAR_DATE_INVALID,
	IMP_GENDER_INVALID,
	IMP_RELIGION_INVALID,
	IMP_MOTHER_NAME_INVALID,
	IMP_MOBILE_INVALID,
	IMP_NEED_INVALID,
	/* the civil registry, as the first page and the details page check */
	IMP_NOT_IN_REGISTRY,
	IMP_ID_SERIAL_MISMATCH,
	IMP_SERIAL_NOT_YET_KNOWN,
	IMP_PERSON_DECEASED,
	IMP_UNDER_AGE,
	IMP_BIRTH_DATE_MISMATCH,
	IMP_GENDER_MISMATCH,
	IMP_LUNAR_NOT_OFFERED,
	/* what is in the database already */
	IMP_ALREADY_IMPORTED,
	IMP_HAS_APPLICATION,
	IMP_REF_CONFLICT,
	IMP_DB_ERROR,
	IMP_CODE_COUNT
};

/* "UNDER_AGE"; reasons in Persian and English (UTF-8, static). */
const char *import_code_name(enum import_code c);
const char *import_reason_fa(enum import_code c);
const char *import_reason_en(enum import_code c);

#endif /* CRS_IMPORT_CODES_H */
