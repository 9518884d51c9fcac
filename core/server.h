/*
 * server: the FastCGI side of crsd.  Two unix sockets (public and admin),
 * each served by its own pool of worker threads calling FCGX_Accept_r; per
 * request: route (core routes, then plugins), authenticate, check the body,
 * call the handler, write the response, count it and log one access line.
 * Shutdown: SIGTERM/SIGINT stop accepting; requests in flight finish.
 */
#ifndef CRS_SERVER_H
#define CRS_SERVER_H

struct conf;

int server_open(const struct conf *cfg);
/* Serve until SIGTERM or SIGINT; returns after every worker has finished. */
int server_run(void);
void server_close(void);

#endif
