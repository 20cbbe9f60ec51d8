/* Ilwaco: the library OS that Denali guest applications link against. */
#ifndef ILWACO_H
#define ILWACO_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <linux/denali_guest.h>

/*
 * Errors the library returns (negative, like the kernel's errnos, whose
 * values they share).
 */
#define DN_ENOENT (-2) /* no such key */
#define DN_EIO (-5) /* the host's I/O failed */
#define DN_EAGAIN (-11) /* out of a fixed resource (thread slots) */
#define DN_ENOMEM (-12) /* out of memory (a pool, a heap) */
#define DN_EFAULT (-14) /* a buffer not inside guest memory */
#define DN_EBUSY (-16) /* taken by someone else */
#define DN_ENODEV (-19) /* no such device */
#define DN_EISDIR (-21) /* a directory where a file was wanted */
#define DN_EINVAL (-22) /* bad argument */
#define DN_ENOSPC (-28) /* no room for another global TLB entry */
#define DN_EROFS (-30) /* write to a read-only disk */
#define DN_EMSGSIZE (-90) /* the buffer is too small */
#define DN_ETIMEDOUT (-110) /* the deadline passed first */

/* The halt code of a guest killed by an exception or a library panic. */
#define DN_HALT_CRASH 255

#define DN_NSEC_PER_USEC 1000ULL
#define DN_NSEC_PER_MSEC 1000000ULL
#define DN_NSEC_PER_SEC 1000000000ULL

/* A deadline that never comes: wait without a timeout. */
#define DN_NO_DEADLINE UINT64_MAX

/* Hypercalls (hypercall.c): number in RAX, arguments in RDI, RSI, RDX, R10, R8. */
long dn_hypercall(long nr, long a0, long a1, long a2, long a3, long a4);
__attribute__((noreturn)) void dn_halt(int code);
long dn_console_write(const void *buf, size_t len);
/* Takes up to @len bytes of console input, without waiting; returns how many (0: none). */
long dn_console_read(void *buf, size_t len);
/* Raw IDLE; threads sleep with dn_sleep() or dn_irq_wait() instead. */
long dn_idle(uint64_t timeout_ns);
/* Arms the one-shot alarm: TIMER is raised at @deadline_ns (dn_now_ns() clock); 0 cancels. */
long dn_alarm(uint64_t deadline_ns);

/*
 * NICs. NIC n is slot n of the registers page, which holds its MAC and
 * MTU (payload bytes; 0: no NIC there); the module refreshes the slots
 * every quantum. Frames are Ethernet frames without FCS, at most
 * DENALI_ETH_HLEN + MTU bytes.
 */
#define DN_NIC_MAX DENALI_REGS_NIC_MAX
/* NIC @nic's MTU, 0 if there is no such NIC. */
unsigned int dn_nic_mtu(unsigned int nic);
/* Copies NIC @nic's MAC into @mac: 0, or DN_ENODEV if there is no such NIC. */
int dn_nic_mac(unsigned int nic, uint8_t mac[6]);
/* NET_SEND: sends one frame; @len, or DN_EINVAL (bad length) or DN_ENODEV. */
long dn_net_send(unsigned int nic, const void *frame, size_t len);
/*
 * NET_RECV: takes the oldest frame queued for @nic into @buf; its length,
 * 0 if none waits, DN_EMSGSIZE if @buf is too small (the frame stays
 * queued) or DN_ENODEV. DENALI_IRQ_NIC(nic) comes when frames arrive
 * for an empty queue, so take frames until 0 before waiting for it.
 */
long dn_net_recv(unsigned int nic, void *buf, size_t len);

/*
 * The virtual registers page. It sits at address 0, which GCC takes for
 * a null pointer with an object of size 0 behind it (and warns about
 * atomics on it); the empty asm hides where the pointer comes from.
 */
static inline volatile struct denali_regs *dn_regs(void)
{
	uintptr_t addr = DENALI_REGS_GPA;

	__asm__("" : "+r"(addr));
	return (volatile struct denali_regs *)addr;
}

/* The clock (time.c): monotonic nanoseconds, the clock of IDLE, ALARM and deadlines. */
uint64_t dn_now_ns(void);

/*
 * The boot command line (cmdline.c), words separated by blanks. The
 * helpers look up "key=value" words; the last word for a key wins.
 */
const char *dn_cmdline(void);
/* The value of @key as a decimal or 0x-hex number, @dflt if absent or malformed. */
long dn_cmdline_int(const char *key, long dflt);
/* Copies the value of @key into @buf (truncated, NUL-terminated); its length or DN_ENOENT. */
int dn_cmdline_str(const char *key, char *buf, size_t size);

/*
 * Interrupts (irq.c). The runtime loads an IDT whose exceptions print
 * "ilwaco: exception N error E at rip R cr2 X" and halt with
 * DN_HALT_CRASH, and takes the module's interrupt at DN_IRQ_VECTOR: the
 * handler moves the pending bits of the registers page to the library,
 * which hands them out the next time a thread blocks or yields. Bits
 * nobody waits for are kept until a thread waits for them.
 */
#define DN_IRQ_VECTOR DENALI_IRQ_VECTOR_MIN

/* Blocks until a bit of @mask arrives; returns the bits of @mask that did. */
uint32_t dn_irq_wait(uint32_t mask);
/* The same with a deadline: 0 if it passed first. */
uint32_t dn_irq_wait_until(uint32_t mask, uint64_t deadline_ns);
/* Bits the interrupt handler took and no thread has been handed yet (a peek, no hypercall). */
uint32_t dn_irq_peek(void);
/* Interrupts the handler has taken since boot. */
uint64_t dn_irq_count(void);

/*
 * A driver's handler for its bits (NIC, disk): called once per bit, in
 * the context of whichever thread is scheduling, with interrupts
 * possibly disabled. It must not block; it may signal condition
 * variables and make hypercalls. A bit with a handler goes to the
 * handler only, never to dn_irq_wait().
 */
typedef void (*dn_irq_handler_t)(uint32_t bit, void *arg);
/* Registers @fn for every bit of @mask (NULL unregisters); DN_EBUSY if one has another handler. */
int dn_irq_register(uint32_t mask, dn_irq_handler_t fn, void *arg);

/*
 * Cooperative threads (sched.c). main() is thread 0 and runs on the boot
 * stack; the others get a stack from a fixed pool in .bss, which costs
 * memory only for the pages a thread touches. A thread runs until it
 * blocks, sleeps, yields or returns; a new thread first runs when its
 * creator does one of these. When main() returns, the VM halts with its
 * value, whatever the other threads are doing.
 *
 * Below each stack is a guard page that is never used. In the shared
 * page tables it is ordinary memory: a thread that overflows its stack
 * writes there, and then into whatever lies below (its neighbour's
 * stack); the scheduler panics if a thread switches away while past its
 * stack. With virtual memory on (dn_vm_enable()), the guard page is not
 * mapped, and the first access to it ends the VM with "stack overflow".
 *
 * The command line word idle=spin makes the idle loop poll the clock and
 * the pending bits instead of making IDLE hypercalls (for benchmarks).
 */
#define DN_THREAD_MAX 16
#define DN_THREAD_STACK_SIZE (16 << 10)

struct dn_thread;
typedef long (*dn_thread_fn)(void *arg);

/* Starts fn(arg) in a new thread; its id (1 to DN_THREAD_MAX - 1) or DN_EAGAIN. */
int dn_thread_create(dn_thread_fn fn, void *arg);
/* The calling thread's id. */
int dn_thread_self(void);
/* Lets the other runnable threads run first. */
void dn_yield(void);
/* Ends the calling thread with @ret (as returning from its function does); in main(), halts. */
__attribute__((noreturn)) void dn_thread_exit(long ret);
/* Waits for thread @tid to end, stores its return value, frees its slot; 0 or DN_EINVAL. */
int dn_thread_join(int tid, long *ret);
/* Joins every thread but thread 0 and the caller; returns how many. */
int dn_thread_join_all(void);
/* Blocks the calling thread until the clock reaches @deadline_ns. */
void dn_sleep_until(uint64_t deadline_ns);
void dn_sleep(uint64_t ns);
/* Whether the idle loop spins (idle=spin) rather than idling. */
int dn_idle_spins(void);

/*
 * Mutexes and condition variables (sync.c). All zeroes is a valid
 * unlocked mutex and an empty condition variable, so static ones need no
 * initialisation. A mutex is handed directly to the thread that waited
 * longest. Misuse (unlocking another thread's mutex, locking one's own
 * again) is a bug in the guest: it panics.
 */
struct dn_waitq {
	struct dn_thread *head, *tail;
};

struct dn_mutex {
	struct dn_thread *owner;
	struct dn_waitq waiters;
};

struct dn_cond {
	struct dn_waitq waiters;
};

/* clang-format off */
#define DN_MUTEX_INIT	{ .owner = NULL }
#define DN_COND_INIT	{ .waiters = { NULL, NULL } }
/* clang-format on */

void dn_mutex_init(struct dn_mutex *m);
void dn_mutex_lock(struct dn_mutex *m);
/* 0 if it took @m, DN_EBUSY if @m is held. */
int dn_mutex_trylock(struct dn_mutex *m);
void dn_mutex_unlock(struct dn_mutex *m);

void dn_cond_init(struct dn_cond *c);
/* Releases @m, waits for a signal, takes @m again; 0. Wake-ups may be spurious. */
int dn_cond_wait(struct dn_cond *c, struct dn_mutex *m);
/* The same with a deadline: 0 if signalled, DN_ETIMEDOUT if the deadline passed first. */
int dn_cond_wait_until(struct dn_cond *c, struct dn_mutex *m, uint64_t deadline_ns);
void dn_cond_signal(struct dn_cond *c);
void dn_cond_broadcast(struct dn_cond *c);

/*
 * Disks (disk.c). Disk n is slot n of the registers page: its size in
 * DN_DISK_BLOCK-byte blocks (0: no disk there) and whether it is
 * read-only. Requests are asynchronous underneath: each is queued with
 * a tag and completes in the registers page's completion ring, which
 * the driver drains from the handler of the DISK interrupt bits (or
 * from dn_disk_poll()). Buffers may be anywhere in memory, unaligned.
 * Results: 0, or DN_ENODEV (no such disk), DN_EINVAL (block past the
 * end), DN_EROFS (write to a read-only disk), DN_EFAULT (buffer not in
 * guest memory), DN_EIO (the host's I/O failed).
 */
#define DN_DISK_MAX DENALI_REGS_DISK_MAX
#define DN_DISK_BLOCK DENALI_DISK_BLOCK

/* Disk @disk's size in blocks, 0 if there is no such disk. */
uint64_t dn_disk_blocks(unsigned int disk);
/* Whether disk @disk is attached read-only (1), writable (0), or absent (DN_ENODEV). */
int dn_disk_readonly(unsigned int disk);

/*
 * Blocking calls, for threads: queue the request (waiting for room when
 * the queue is full), block until it completes, return its status.
 * Any number of threads may have requests in flight at once. A flush
 * completes once every write completed before it is on stable storage.
 */
int dn_disk_read(unsigned int disk, uint64_t block, void *buf);
int dn_disk_write(unsigned int disk, uint64_t block, const void *buf);
int dn_disk_flush(unsigned int disk);

/* The operations of dn_disk_submit(): the hypercall numbers. */
#define DN_DISK_OP_READ DENALI_HC_DISK_READ
#define DN_DISK_OP_WRITE DENALI_HC_DISK_WRITE
#define DN_DISK_OP_FLUSH DENALI_HC_DISK_FLUSH

struct dn_disk_io;
typedef void (*dn_disk_done_t)(struct dn_disk_io *io);

/**
 * struct dn_disk_io - one asynchronous request
 * @done: called once when it completes, NULL for none; runs like an
 *	interrupt handler (dn_irq_register()): it must not block, it may
 *	signal, wake the network loop and submit requests
 * @arg: the caller's
 * @status: once @complete, 0 or a negative DN_E*
 * @complete: set when the completion arrives
 * @tag: the driver's, while in flight
 * @waiters: the driver's: threads in dn_disk_wait()
 */
struct dn_disk_io {
	dn_disk_done_t done;
	void *arg;
	int status;
	int complete;
	uint64_t tag;
	struct dn_waitq waiters;
};

/*
 * Queues @op (DN_DISK_OP_*) of block @block of disk @disk from or to
 * @buf (@block and @buf unused for a flush), without blocking. 0 when
 * queued: @io is then the driver's until it completes and must stay
 * where it is. DN_EAGAIN when the queue is full (wait for a completion
 * and retry), DN_ENODEV, DN_EINVAL (bad @op), DN_EBUSY (@io in flight).
 */
int dn_disk_submit(struct dn_disk_io *io, int op, unsigned int disk, uint64_t block, void *buf);
/* Blocks until @io completes; its status. */
int dn_disk_wait(struct dn_disk_io *io);
/* Takes the completions that wait in the ring (no blocking); how many. */
int dn_disk_poll(void);

struct dn_disk_stats {
	uint64_t submitted; /* requests queued */
	uint64_t completed; /* completions taken */
	uint64_t errors; /* of which with a status other than 0 */
	uint64_t eagain; /* submissions refused for a full queue */
	uint64_t stray; /* completions whose tag is no request's */
};
const struct dn_disk_stats *dn_disk_stats(void);

/*
 * A read-only file system on a disk holding a tar archive (tarfs.c):
 * ustar, and GNU tar's default format (long names included), plain
 * files and directories; other entries are skipped. The archive is
 * scanned once and indexed in memory (at most DN_TARFS_MAX entries,
 * names of at most DN_TARFS_NAME_MAX bytes); reads go through the disk
 * driver and a small block cache. Paths are relative to the archive's
 * root, with or without a leading '/' or "./"; "" and "/" are the root.
 * A handle is an entry's number: valid until the next mount, no close.
 */
#define DN_TARFS_MAX 1024
#define DN_TARFS_NAME_MAX 255

struct dn_tarfs_stat {
	uint64_t size; /* bytes (0 for a directory) */
	uint64_t disk_off; /* where the file's bytes start on the disk, in bytes */
	int dir; /* a directory */
};

struct dn_tarfs_dirent {
	const char *name; /* the last component, NUL-terminated */
	struct dn_tarfs_stat st;
};

/*
 * Scans disk @disk's archive and replaces the index: the number of
 * entries (implied parent directories included), or DN_ENODEV, DN_EIO,
 * DN_EINVAL (not a tar archive, a bad header checksum, or an entry
 * running past the end of the disk).
 */
int dn_tarfs_mount(unsigned int disk);
/* A handle for @path (a file or a directory), or DN_ENOENT. */
int dn_tarfs_open(const char *path);
/* 0 and *@st, or DN_ENOENT. */
int dn_tarfs_stat(const char *path, struct dn_tarfs_stat *st);
int dn_tarfs_fstat(int fd, struct dn_tarfs_stat *st);
/* Up to @len bytes at @off of file @fd: how many (0 at the end), DN_EISDIR, DN_EINVAL or a disk error. */
long dn_tarfs_read(int fd, uint64_t off, void *buf, size_t len);
/*
 * The next entry of directory @dir after *@cursor (start with 0): 1 and
 * *@ent, 0 when there are no more, DN_ENOENT if @dir is no directory.
 */
int dn_tarfs_readdir(const char *dir, unsigned int *cursor, struct dn_tarfs_dirent *ent);

/*
 * Virtual memory (vm.c), optional: only guests that call dn_vm_enable()
 * link it. It keeps a page map of its own for virtual addresses below
 * 4 GiB (4 KiB pages: a physical page and flags) and runs it on Denali's
 * software-loaded TLB (Documentation/vmmu.rst): a miss, or an access the
 * loaded entry forbids, is a page fault, in which the library looks the
 * address up and, if the map allows the access, loads the entry and
 * returns (a refill: one TLB_LOAD hypercall). Otherwise the VM ends: a
 * guard page below a thread's stack prints "ilwaco: stack overflow in
 * thread N (guard page at 0x...)", anything else the exception report;
 * either halts with DN_HALT_CRASH.
 *
 * dn_vm_enable() builds the default map, the identity (virtual =
 * physical) with permissions: text read-only and executable, rodata
 * read-only, data, bss, the stacks and the rest of memory writable and
 * no-execute, the stacks' guard pages and everything above memory not
 * mapped. Page 0 (the registers page) stays at 0, writable and
 * no-execute, and is mapped a second time, executable, for the
 * hypercall trampoline. Hypercalls take guest-physical addresses: a
 * buffer in the identity map can be passed as it is, one in a page
 * mapped elsewhere only by its physical address.
 *
 * The page fault handler runs on a stack of its own (TSS IST1), and the
 * pages it needs (page 0, the IDT, its code, stack and page map) are
 * loaded as global TLB entries, which are never replaced: about ten of
 * them, so the TLB should hold 32 entries or more. Interrupt handlers
 * may take page faults. The map has room for DN_VM_LEAVES 4 MiB
 * stretches mapped page by page (stretches mapped identically, as the
 * default map's memory, take none); a leaf once used stays in use.
 */
#define DN_VM_PAGE 4096UL
#define DN_VM_LEAVES 32

/* Page flags: readable always; DN_VM_GLOBAL pins the page in the TLB at once, for ever. */
#define DN_VM_W DENALI_TLB_W
#define DN_VM_X DENALI_TLB_X
#define DN_VM_USER DENALI_TLB_USER
#define DN_VM_GLOBAL DENALI_TLB_GLOBAL

/*
 * Builds the default map the first time, loads the global entries and
 * switches the address space on. 0, or DN_ENODEV (a module without a
 * virtual MMU), DN_EINVAL (no IDT: a bare guest), DN_ENOMEM (the map
 * does not fit the leaves), DN_ENOSPC (the TLB is too small for the
 * global entries).
 */
int dn_vm_enable(void);
/* Back to the shared identity map (the page map and the TLB stay, for the next enable); 0. */
int dn_vm_disable(void);
/* Whether the address space is on. */
int dn_vm_enabled(void);

/*
 * Maps @npages pages from @va to @pa with @flags, replacing what was
 * there (and its TLB entry), once dn_vm_enable() has built the map.
 * 0, or DN_EINVAL (unaligned, beyond 4 GiB, bad flags, no map yet),
 * DN_EFAULT (@pa not inside memory), DN_ENOMEM (out of leaves: nothing
 * is changed), DN_ENOSPC (a global page does not fit the TLB).
 */
int dn_vm_map(uintptr_t va, uint64_t pa, size_t npages, unsigned int flags);
/* Unmaps @npages pages from @va and flushes their TLB entries: 0 or DN_EINVAL. */
int dn_vm_unmap(uintptr_t va, size_t npages);
/* New flags for @npages mapped pages from @va: 0, DN_EINVAL, or DN_ENOENT if one is not mapped. */
int dn_vm_protect(uintptr_t va, size_t npages, unsigned int flags);
/* What @va maps to: 0 and *@pa, *@flags, or DN_ENOENT. */
int dn_vm_lookup(uintptr_t va, uint64_t *pa, unsigned int *flags);

/* Refills (TLB entries loaded in the page fault handler) since boot. */
uint64_t dn_vm_refills(void);
/* Global TLB entries the library holds. */
unsigned int dn_vm_pinned(void);
/*
 * Interrupts the page fault handler delivered itself: the module's
 * interrupt is lost when its frame's stack page is not loaded (the
 * delivery is a page fault instead), so the handler delivers it once
 * the page is.
 */
uint64_t dn_vm_irq_replays(void);

/*
 * Probes: try one access, survive a page fault. 0 if the access worked
 * (after a refill, if the map allows it), else DN_VM_FAULTED with the
 * page fault's error code (DN_VM_PF_*). A read reads a byte, a write
 * reads a byte and writes it back unchanged, an exec calls @addr, which
 * must hold code that returns (a ret instruction) should it run. @addr
 * must be canonical.
 */
#define DN_VM_FAULTED 0x10000
#define DN_VM_PF_PRESENT 0x1 /* a protection violation (else a miss) */
#define DN_VM_PF_WRITE 0x2
#define DN_VM_PF_USER 0x4
#define DN_VM_PF_FETCH 0x10 /* an instruction fetch */
int dn_vm_probe_read(const volatile void *addr);
int dn_vm_probe_write(volatile void *addr);
int dn_vm_probe_exec(const void *addr);

/* A panic: prints "ilwaco: panic: ..." and halts with DN_HALT_CRASH (rt.c). */
__attribute__((noreturn, format(printf, 1, 2))) void dn_panic(const char *fmt, ...);

/* Console output (console.c, printf.c). */
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Console input for threads (input.c): they block until input comes
 * (the CONSOLE bit), idle meanwhile. Both read through one buffer, so do
 * not mix them with dn_console_read().
 */
/* The next input byte, or -1 if CONSOLE_READ fails. */
int dn_getc(void);
/* A line without its '\n' ('\r' dropped), NUL-terminated, at most @size - 1 bytes; its length or -1. */
long dn_readline(char *buf, size_t size);

/* Strings (string.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* The application's entry, called by start.S; its return value is the halt code. */
int main(void);

#endif /* ILWACO_H */
