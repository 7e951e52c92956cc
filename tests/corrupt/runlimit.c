// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mms-runlimit SECONDS MEM_MB REPORT CMD [ARG...]
 *
 * Runs CMD with an address-space limit of MEM_MB (none if 0), kills it
 * and anything it started after SECONDS, and writes to REPORT one line
 *
 *   status S signal N seconds F maxrss_kb K timedout B pid P group G
 *   caught C sender_pid Q sender_uid U sender_code X caught_at T
 *
 * and, when the runner caught a signal, a second line "sender ..." with
 * what /proc said of the process that sent it.  Exits 0 unless it could
 * not run CMD at all.
 *
 * For tests/corrupt/make_and_check.py: a child's peak RSS from wait4 is
 * only its own when the process that forked it is small (exec keeps the
 * high-water mark of the address space it replaces), which Python with a
 * few dumps in memory is not.
 *
 * Who signalled CMD: the runner itself only ever sends SIGKILL, at the
 * time limit (timedout 1).  A signal from anywhere else shows up as
 * "signal N" with timedout 0, and the kernel tells only the receiver who
 * sent it (siginfo's si_pid; the si_pid of waitid is the child's own).
 * So the runner leads a process group of its own (group own) and runs CMD
 * inside it, not as a leader: a signal sent to the group reaches the
 * runner too, which catches it (caught C) and records the sender's pid,
 * uid, si_code and /proc entry.  A signal that killed CMD while the runner
 * caught nothing was aimed at CMD's pid alone (or raised by CMD).  CMD not
 * being a group leader also keeps it out of the way of kill(-pgid) calls
 * meant for a process group that has since ended: pids, and so group ids,
 * are reused within minutes when pid_max is 32768 and the corpus starts
 * ~30,000 processes a run.  If the runner cannot lead a group (it already
 * leads one, or is a session leader) CMD gets a group of its own instead
 * (group child) and only the runner's own signals are told apart.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* the signals whose default action ends a process and that can be caught */
static const int watched[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
			       SIGUSR2, SIGALRM, SIGPIPE, SIGXCPU, SIGXFSZ,
			       SIGVTALRM, SIGPROF };
#define NR_WATCHED (sizeof(watched) / sizeof(watched[0]))

static volatile sig_atomic_t caught;
static siginfo_t caught_info;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!caught) {
		caught_info = *si;
		caught = sig;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* /proc/PID/NAME, NULs and newlines as spaces, at most LEN - 1 bytes */
static void proc_read(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	FILE *f = fopen(path, "r");
	size_t n = 0;
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	if (!n)
		snprintf(buf, len, "?");
}

/* the sender as /proc shows it now: comm, command line, parent */
static void describe_sender(pid_t pid, char *out, size_t len)
{
	char comm[64], cmd[512], status[4096], pcomm[64] = "?";
	proc_read(pid, "comm", comm, sizeof(comm));
	proc_read(pid, "cmdline", cmd, sizeof(cmd));
	proc_read(pid, "status", status, sizeof(status));
	int ppid = -1;
	const char *p = strstr(status, "PPid:");
	if (p) {
		ppid = atoi(p + 5);
		if (ppid > 0)
			proc_read(ppid, "comm", pcomm, sizeof(pcomm));
	}
	if (pid == 0)
		snprintf(out, len, "sender pid 0 (the kernel)");
	else if (!strcmp(comm, "?"))
		snprintf(out, len, "sender pid %d (gone by the time the runner "
			 "looked)", (int)pid);
	else
		snprintf(out, len, "sender pid %d comm %s ppid %d (%s) cmdline "
			 "%s", (int)pid, comm, ppid, pcomm, cmd);
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

	pid_t self = getpid(), home = getpgrp();
	int own_group = home != self && setpgid(0, 0) == 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < NR_WATCHED; i++)
		sigaction(watched[i], &sa, NULL);

	/* the child must not run on_signal between fork and exec */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("mms-runlimit: fork");
		return 2;
	}
	if (pid == 0) {
		for (size_t i = 0; i < NR_WATCHED; i++)
			signal(watched[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (!own_group)
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
	sigprocmask(SIG_SETMASK, &old, NULL);
	pid_t group = own_group ? self : pid;
	if (!own_group)
		setpgid(pid, pid);

	int status = 0, timed_out = 0, seen = 0;
	double caught_at = 0;
	char sender[1024] = "";
	struct rusage ru = { 0 };
	for (;;) {
		pid_t r = wait4(pid, &status, WNOHANG, &ru);
		if (caught && !seen) {
			/* look the sender up at once: it may be short-lived */
			seen = 1;
			caught_at = now() - t0;
			describe_sender(caught_info.si_pid, sender,
					sizeof(sender));
		}
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("mms-runlimit: wait4");
			return 2;
		}
		if (now() - t0 > limit) {
			timed_out = 1;
			break;
		}
		struct timespec nap = { 0, 1000000 };
		nanosleep(&nap, NULL);
	}
	double secs = now() - t0;
	/*
	 * The child, if still running, and anything it left in the group go
	 * too; the runner leaves the group first (back to its parent's) so
	 * that it can kill it whole.
	 */
	if (own_group && setpgid(0, home) != 0)
		group = 0;
	if (group)
		kill(-group, SIGKILL);
	if (timed_out) {
		kill(pid, SIGKILL);
		while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
			;
	}
	if (caught && !seen) {
		caught_at = secs;
		describe_sender(caught_info.si_pid, sender, sizeof(sender));
	}

	FILE *f = fopen(report, "w");
	if (!f) {
		perror(report);
		return 2;
	}
	fprintf(f, "status %d signal %d seconds %.4f maxrss_kb %ld timedout %d "
		"pid %d group %s caught %d sender_pid %d sender_uid %d "
		"sender_code %d caught_at %.4f\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		WIFSIGNALED(status) ? WTERMSIG(status) : 0, secs, ru.ru_maxrss,
		timed_out, (int)pid, own_group ? "own" : "child", (int)caught,
		caught ? (int)caught_info.si_pid : 0,
		caught ? (int)caught_info.si_uid : 0,
		caught ? caught_info.si_code : 0, caught_at);
	if (caught)
		fprintf(f, "%s\n", sender);
	return fclose(f) == 0 ? 0 : 2;
}
