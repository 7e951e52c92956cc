// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Processes: the init_task.tasks list, each task's mm, its page-table
 * root and its RSS counters.  The walk is bounded and checks its links.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* far more processes than pid_max (4M) allows */
#define MAX_TASKS (1u << 22)

struct mms_task_iter {
	struct mms_dump *d;
	uint64_t head;           /* &init_task.tasks */
	uint64_t next;           /* next list_head to visit */
	uint64_t prev;           /* the list_head visited last */
	unsigned count;
	bool started, done;
	struct mms_task task;
};

static mms_error *need_layout(struct mms_dump *d)
{
	const struct mms_kernel *k = &d->k;
	if (!k->sym_init_task)
		return mms_err(MMS_ERR_NOTFOUND, "%s: no init_task symbol (tasks "
			       "need a vmlinux or a profile)", d->path);
	if (k->task_tasks < 0 || k->task_pid < 0 || k->task_comm < 0 ||
	    k->task_mm < 0 || k->mm_pgd < 0)
		return mms_err(MMS_ERR_NOTFOUND, "%s: the type info has no layout "
			       "of task_struct (tasks, pid, comm, mm) and "
			       "mm_struct.pgd: tasks need a vmlinux or a profile",
			       d->path);
	return NULL;
}

static mms_error *read_rss(struct mms_dump *d, struct mms_task *t)
{
	const struct mms_kernel *k = &d->k;
	if (k->mm_rss_stat < 0 || k->rss_count_off < 0 || k->mm_nr_rss <= 0)
		return NULL;
	t->nr_rss = (unsigned)(k->mm_nr_rss < MMS_RSS_COUNT ? k->mm_nr_rss
							    : MMS_RSS_COUNT);
	for (unsigned i = 0; i < t->nr_rss; i++) {
		int64_t v;
		uint64_t addr;
		if (k->mm_rss_percpu)
			addr = t->mm + (uint64_t)k->mm_rss_stat +
			       i * (uint64_t)k->percpu_counter_sz;
		else
			addr = t->mm + (uint64_t)k->mm_rss_stat +
			       (uint64_t)k->rss_count_off + i * 8;
		uint64_t base = addr;
		if (k->mm_rss_percpu)
			addr += (uint64_t)k->rss_count_off;
		mms_error *err = mms_read_kvaddr(d, addr, &v, sizeof(v));
		if (err)
			return mms_err_wrap(err, "mm 0x%llx: rss counter %u",
					    (unsigned long long)t->mm, i);
		/* get_mm_counter(): a negative transient reads as 0 (6.1
		 * clamps the atomic; 6.2's percpu_counter_read_positive) */
		t->rss[i] = v < 0 ? 0 : v;
		t->rss_exact[i] = v;
		if (k->task_rss_stat >= 0) {
			int32_t delta;
			err = mms_read_kvaddr(d, t->addr + (uint64_t)k->task_rss_stat +
					      4 * i, &delta, sizeof(delta));
			if (err)
				return mms_err_wrap(err, "task 0x%llx: rss_stat",
						    (unsigned long long)t->addr);
			t->rss_exact[i] += delta;
		}
		if (!k->mm_rss_percpu || k->percpu_counter_counters < 0)
			continue;
		uint64_t pcpu;
		err = mms_read_u64(d, base + (uint64_t)k->percpu_counter_counters,
				   &pcpu);
		if (err)
			return mms_err_wrap(err, "mm 0x%llx: rss counter %u",
					    (unsigned long long)t->mm, i);
		for (unsigned c = 0; pcpu && c < d->nr_online_cpus; c++) {
			int32_t delta;
			err = mms_read_kvaddr(d, pcpu + d->cpu_offsets[c], &delta,
					      sizeof(delta));
			if (err)
				return mms_err_wrap(err, "mm 0x%llx: rss counter "
						    "%u, cpu %u",
						    (unsigned long long)t->mm, i,
						    d->online_cpus[c]);
			t->rss_exact[i] += delta;
		}
	}
	t->rss_known = true;
	return NULL;
}

static mms_error *read_task(struct mms_dump *d, uint64_t task,
			    struct mms_task *t)
{
	const struct mms_kernel *k = &d->k;
	memset(t, 0, sizeof(*t));
	t->addr = task;
	int32_t pid = 0, tgid = 0;
	mms_error *err = mms_read_kvaddr(d, task + (uint64_t)k->task_pid, &pid,
					 sizeof(pid));
	if (!err && k->task_tgid >= 0)
		err = mms_read_kvaddr(d, task + (uint64_t)k->task_tgid, &tgid,
				      sizeof(tgid));
	if (!err)
		err = mms_read_kvaddr(d, task + (uint64_t)k->task_comm, t->comm,
				      sizeof(t->comm));
	if (!err)
		err = mms_read_u64(d, task + (uint64_t)k->task_mm, &t->mm);
	if (err)
		return mms_err_wrap(err, "task_struct at 0x%llx",
				    (unsigned long long)task);
	t->comm[sizeof(t->comm) - 1] = '\0';
	t->pid = pid;
	t->tgid = k->task_tgid >= 0 ? tgid : pid;
	if (!t->mm)
		return NULL;
	err = mms_read_u64(d, t->mm + (uint64_t)k->mm_pgd, &t->pgd);
	if (!err)
		err = mms_kvaddr_to_phys(d, t->pgd, &t->pgd_phys);
	if (!err)
		err = read_rss(d, t);
	if (err)
		return mms_err_wrap(err, "pid %d (%s): mm_struct at 0x%llx", t->pid,
				    t->comm, (unsigned long long)t->mm);
	return NULL;
}

mms_error *mms_task_iter_new(mms_dump *d, mms_task_iter **out)
{
	*out = NULL;
	mms_error *err = need_layout(d);
	if (err)
		return err;
	mms_task_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return mms_err_nomem();
	it->d = d;
	it->head = d->k.sym_init_task + (uint64_t)d->k.task_tasks;
	it->next = it->head;
	*out = it;
	return NULL;
}

mms_error *mms_task_iter_next(mms_task_iter *it, const struct mms_task **out)
{
	*out = NULL;
	if (it->done)
		return NULL;
	struct mms_dump *d = it->d;
	if (it->started && it->next == it->head) {
		it->done = true;
		return NULL;
	}
	if (++it->count > MAX_TASKS) {
		it->done = true;
		return mms_err(MMS_ERR_CORRUPT, "the task list from init_task "
			       "does not return to its head within %u entries",
			       MAX_TASKS);
	}
	uint64_t node = it->next;
	uint64_t next, prev;
	mms_error *err = mms_read_u64(d, node + (uint64_t)d->k.list_next, &next);
	if (!err)
		err = mms_read_u64(d, node + (uint64_t)d->k.list_prev, &prev);
	if (!err && it->started && prev != it->prev)
		err = mms_err(MMS_ERR_CORRUPT, "task list entry 0x%llx: prev "
			      "0x%llx does not point back to 0x%llx",
			      (unsigned long long)node, (unsigned long long)prev,
			      (unsigned long long)it->prev);
	int prev_pid = it->task.pid;
	char prev_comm[MMS_TASK_COMM_LEN];
	memcpy(prev_comm, it->task.comm, sizeof(prev_comm));
	if (!err)
		err = read_task(d, node - (uint64_t)d->k.task_tasks, &it->task);
	if (err && it->started)
		err = mms_err_wrap(err, "task list: the entry after pid %d (%s)",
				   prev_pid, prev_comm);
	if (err) {
		it->done = true;
		return err;
	}
	it->started = true;
	it->prev = node;
	it->next = next;
	*out = &it->task;
	return NULL;
}

void mms_task_iter_free(mms_task_iter *it)
{
	free(it);
}

mms_error *mms_task_find(mms_dump *d, int pid, struct mms_task *out)
{
	mms_task_iter *it;
	mms_error *err = mms_task_iter_new(d, &it);
	if (err)
		return err;
	for (;;) {
		const struct mms_task *t;
		err = mms_task_iter_next(it, &t);
		if (err)
			break;
		if (!t) {
			err = mms_err(MMS_ERR_NOTFOUND, "no process with pid %d "
				      "in the task list", pid);
			break;
		}
		if (t->pid == pid) {
			*out = *t;
			break;
		}
	}
	mms_task_iter_free(it);
	return err;
}
