// SPDX-License-Identifier: GPL-2.0
/*
 * kvmflaw: runs a tiny KVM guest that exits to its host all the time,
 * while other processes on another CPU make the kernel restore their FPU
 * state just as often, and counts exits that are not what the guest did.
 * No Denali code is involved: this is the reproducer, outside the module,
 * of the emulator flaw described in Documentation/testing.rst ("An
 * emulator flaw at scale").
 *
 *   kvmflaw [-s SECONDS] [-g GUEST_CPU] [-f FPU_CPU]
 *
 * The guest runs in real mode at address 0: "out %al, $0x10; inc %al;
 * jmp" in a loop, so every exit must be KVM_EXIT_IO on port 0x10 with
 * the next byte of the sequence, and after each the guest's RIP must be
 * back in its 8 bytes of code. Two processes pinned to FPU_CPU (default
 * 1) pass a byte back and forth through pipes: each wake-up is a context
 * switch, and the return to user space restores that process's FPU
 * registers (FXRSTOR or XRSTOR). The KVM thread is pinned to GUEST_CPU
 * (default 0). Prints
 *
 *   kvmflaw: exits=N anomalies=A seconds=S
 *
 * and each anomaly (up to 10) before it: an exit that is not the guest's
 * OUT, or an OUT whose byte breaks the sequence (counted once, the
 * sequence then goes on from there). Exits 0 only if there were none.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM 0x10000
#define PORT 0x10

/* mov $0,%al; 1: out %al,$0x10; inc %al; jmp 1b (16-bit code at 0). */
static const uint8_t guest_code[] = { 0xb0, 0x00, 0xe6, PORT, 0xfe, 0xc0, 0xeb, 0xfa };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "kvmflaw: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		exit(2);
	}
}

/* Two processes on @cpu bouncing a byte: a context switch per hop. */
static pid_t start_fpu_load(int cpu)
{
	int ab[2], ba[2];
	pid_t pid;

	pid = fork();
	if (pid)
		return pid;
	pin(cpu);
	if (pipe(ab) || pipe(ba))
		_exit(2);
	if (fork() == 0) {
		volatile double x = 1.0;
		char c;

		close(ab[1]);	/* so that either end's exit ends the other */
		close(ba[0]);
		for (;;) {
			if (read(ab[0], &c, 1) != 1)
				_exit(0);
			x = x * 1.0000001;	/* the FPU registers are this process's */
			if (write(ba[1], &c, 1) != 1)
				_exit(0);
		}
	}
	close(ab[0]);
	close(ba[1]);
	for (;;) {
		volatile double y = 2.0;
		char c = 0;

		y = y / 1.0000001;
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			_exit(0);
	}
}

static pid_t load = -1;

/* Whatever way main ends, the load goes with it. */
static void stop_load(void)
{
	if (load > 0) {
		kill(load, SIGKILL);
		waitpid(load, NULL, 0);
		load = -1;
	}
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0) {
		fprintf(stderr, "kvmflaw: %s: %s\n", what, strerror(errno));
		exit(2);
	}
	return ret;
}

int main(int argc, char **argv)
{
	int seconds = 60, guest_cpu = 0, fpu_cpu = 1, opt;
	unsigned long exits = 0, anomalies = 0;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu, size;
	uint8_t expect = 0;
	double start;
	void *mem;

	while ((opt = getopt(argc, argv, "s:g:f:")) != -1) {
		switch (opt) {
		case 's': seconds = atoi(optarg); break;
		case 'g': guest_cpu = atoi(optarg); break;
		case 'f': fpu_cpu = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: kvmflaw [-s SECONDS] [-g GUEST_CPU] [-f FPU_CPU]\n");
			return 2;
		}
	}

	/* First, so that the load holds none of the KVM descriptors. */
	load = start_fpu_load(fpu_cpu);
	atexit(stop_load);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvmflaw: /dev/kvm: %s\n", strerror(errno));
		return 2;
	}
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != 12) {
		fprintf(stderr, "kvmflaw: unexpected KVM API version\n");
		return 2;
	}
	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 2;
	memcpy(mem, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM,
		.userspace_addr = (uintptr_t)mem,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return 2;
	xioctl(vcpu, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	xioctl(vcpu, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rflags = 2;
	xioctl(vcpu, KVM_SET_REGS, &regs, "KVM_SET_REGS");

	pin(guest_cpu);
	start = now();
	while (now() - start < seconds) {
		const char *why = NULL;

		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "kvmflaw: KVM_RUN: %s\n", strerror(errno));
			anomalies++;
			break;
		}
		exits++;
		if (run->exit_reason != KVM_EXIT_IO)
			why = "not an I/O exit";
		else if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != PORT ||
			 run->io.size != 1 || run->io.count != 1)
			why = "not the guest's OUT";
		else if (*((uint8_t *)run + run->io.data_offset) != expect)
			why = "not the byte the guest sent";
		if (run->exit_reason == KVM_EXIT_IO && run->io.size == 1)
			expect = *((uint8_t *)run + run->io.data_offset);	/* count each break once */
		if (why) {
			if (++anomalies <= 10) {
				xioctl(vcpu, KVM_GET_REGS, &regs, "KVM_GET_REGS");
				printf("kvmflaw: anomaly after %lu exits: %s (exit reason %u, rip %llx, rsp %llx)\n",
				       exits, why, run->exit_reason,
				       (unsigned long long)regs.rip, (unsigned long long)regs.rsp);
			}
			if (run->exit_reason != KVM_EXIT_IO)
				break;	/* the guest's state is no longer its own */
		}
		expect++;
	}
	stop_load();
	printf("kvmflaw: exits=%lu anomalies=%lu seconds=%.0f\n", exits, anomalies, now() - start);
	return anomalies ? 1 : 0;
}
