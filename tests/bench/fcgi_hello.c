/*
 * fcgi_hello: the benchmark's baseline, a bare fcgi2 program with the same
 * threading model as crsd (N threads in FCGX_Accept_r on one unix socket)
 * answering what t_hello's trivial route answers.  Not part of crsd.
 *   fcgi_hello SOCKET THREADS
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int listen_fd;

static void *serve(void *unused)
{
	static const char resp[] = "Status: 200 OK\r\nContent-Type: application/json\r\n"
	                           "Content-Length: 17\r\n\r\n{\"hello\":\"world\"}";
	FCGX_Request r;

	(void)unused;
	FCGX_InitRequest(&r, listen_fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(resp, sizeof(resp) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = argc > 2 ? atoi(argv[2]) : 32, i;
	pthread_t *t;

	if (argc < 2 || n < 1 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: fcgi_hello SOCKET THREADS\n");
		return 2;
	}
	FCGX_Init();
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(argv[1], 0660) || listen(listen_fd, 1024)) {
		perror("fcgi_hello");
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, serve, NULL);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
