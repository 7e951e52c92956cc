// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mms-runlimit SECONDS MEM_MB REPORT CMD [ARG...]
 *
 * Runs CMD in a process group of its own with an address-space limit of
 * MEM_MB (none if 0), kills the group after SECONDS, and writes to REPORT
 * one line: "status S signal N seconds F maxrss_kb K timedout B".  Exits
 * 0 unless it could not run CMD at all.
 *
 * For tests/corrupt/make_and_check.py: a child's peak RSS from wait4 is
 * only its own when the process that forked it is small (exec keeps the
 * high-water mark of the address space it replaces), which Python with a
 * few dumps in memory is not.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: mms-runlimit SECONDS MEM_MB REPORT CMD "
				"[ARG...]\n");
		return 2;
	}
	double limit = atof(argv[1]);
	unsigned long long mem_mb = strtoull(argv[2], NULL, 10);
	const char *report = argv[3];
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("mms-runlimit: fork");
		return 2;
	}
	if (pid == 0) {
		setpgid(0, 0);
		struct rlimit core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &core);
		if (mem_mb) {
			struct rlimit as = { mem_mb << 20, mem_mb << 20 };
			setrlimit(RLIMIT_AS, &as);
		}
		execvp(argv[4], argv + 4);
		perror("mms-runlimit: exec");
		_exit(127);
	}
	setpgid(pid, pid);
	int status = 0, timed_out = 0;
	struct rusage ru = { 0 };
	for (;;) {
		pid_t r = wait4(pid, &status, WNOHANG, &ru);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("mms-runlimit: wait4");
			return 2;
		}
		if (now() - t0 > limit) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
				;
			break;
		}
		struct timespec nap = { 0, 1000000 };
		nanosleep(&nap, NULL);
	}
	double secs = now() - t0;
	/* anything the child left running in its group goes too */
	kill(-pid, SIGKILL);
	FILE *f = fopen(report, "w");
	if (!f) {
		perror(report);
		return 2;
	}
	fprintf(f, "status %d signal %d seconds %.4f maxrss_kb %ld timedout %d\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		WIFSIGNALED(status) ? WTERMSIG(status) : 0, secs, ru.ru_maxrss,
		timed_out);
	return fclose(f) == 0 ? 0 : 2;
}
