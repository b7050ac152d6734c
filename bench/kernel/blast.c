// UDP blaster: sends fixed-size datagrams with sendmmsg as fast as it can for SECONDS; prints packets sent.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv) {
	if (argc < 5) { fprintf(stderr, "usage: blast DST PORT PAYLOAD SECONDS\n"); return 2; }
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
	inet_pton(AF_INET, argv[1], &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof to)) { perror("connect"); return 1; }
	int len = atoi(argv[3]);
	double secs = atof(argv[4]);
	static char buf[2048];
	enum { B = 64 };
	struct mmsghdr msgs[B];
	struct iovec iov[B];
	memset(msgs, 0, sizeof msgs);
	for (int i = 0; i < B; i++) {
		iov[i].iov_base = buf; iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
	}
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long sent = 0, fails = 0;
	for (;;) {
		int n = sendmmsg(fd, msgs, B, 0);
		if (n > 0) sent += n; else fails++;
		if ((sent & 0xfff) < B) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs) break;
		}
	}
	double el = (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sent %ld packets in %.3f s (%.0f pps), %ld failed calls\n", sent, el, sent / el, fails);
	return 0;
}
