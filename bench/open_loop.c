// Workload for bench/tool_events.sh: openat(2) of a missing path at a
// target rate (0 = as fast as possible) for a number of seconds; prints
// how many opens it made and the rate achieved.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate = argc > 1 ? atof(argv[1]) : 0;
	double secs = argc > 2 ? atof(argv[2]) : 2;
	const char *path = argc > 3 ? argv[3] : "/nonexistent/bpfscope-bench";
	double start = now(), t;
	long n = 0;

	while ((t = now() - start) < secs) {
		/* Batches of 100, paced against the clock when a rate is set. */
		if (rate > 0 && n >= (long)(t * rate))
			continue;
		for (int i = 0; i < 100; i++)
			openat(AT_FDCWD, path, O_RDONLY);
		n += 100;
	}
	t = now() - start;
	printf("%ld %.0f\n", n, n / t);
	return 0;
}
