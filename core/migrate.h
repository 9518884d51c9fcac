/*
 * migrate: applies the numbered SQL files of sql_dir (NNN_name.sql) once
 * each, in order, then each plugin's own, in sql_dir/<plugin>/ (installed
 * there with the plugin), recording each in table schema_migration under
 * its module ("" for the core) with a checksum.  A released migration is
 * never edited: a recorded file whose checksum changed stops the run.
 * `crsd --migrate` runs it and exits.
 */
#ifndef CRS_MIGRATE_H
#define CRS_MIGRATE_H

/* Needs db_pool_init first (connection settings).  0 on success. */
int migrate_run(const char *sql_dir);

#endif
