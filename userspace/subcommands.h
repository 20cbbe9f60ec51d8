/* The subcommands of denalictl, one <cmd>_main() each, and helpers they share. */
#ifndef DENALICTL_SUBCOMMANDS_H
#define DENALICTL_SUBCOMMANDS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct dnl;
struct image;

/* Guest memory when none is asked for. */
#define VM_DEFAULT_MEM (16ULL << 20)

int create_main(int argc, char **argv);
int elf_check_main(int argc, char **argv);
int destroy_main(int argc, char **argv);
int list_main(int argc, char **argv);
int show_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int start_main(int argc, char **argv);
int stop_main(int argc, char **argv);
int console_main(int argc, char **argv);
int run_main(int argc, char **argv);
int nic_main(int argc, char **argv);
int disk_main(int argc, char **argv);

/*
 * Run the subcommands in the file at path ('-': stdin), one per line,
 * through dispatch (batch.c). Stops at the first that fails unless force;
 * returns the exit status of the first that failed, or 0.
 */
int batch_run(const char *path, bool force, int (*dispatch)(int argc, char **argv));

/* Create a VM (create.c); tlb 0: the default TLB. Returns 0 or a negative errno. */
int vm_create(struct dnl *nl, const char *name, uint64_t mem, uint32_t tlb, const struct image *img,
	      const char *cmdline, bool *has_id, uint32_t *id);
/* A --cmdline that fits (create.c): 0, or -1 when too long. */
int cmdline_check(const char *cmdline);
/* A --tlb the module takes (create.c): 0, or -1 after saying why. */
int tlb_check(const char *name, uint32_t tlb);

/* How console_pump() copies a console (console.c). */
struct console_pump {
	int fd; /* the console descriptor, non-blocking */
	int in_fd; /* forwarded to the VM's keyboard until its end of file; -1: none */
	bool follow; /* until the VM ends, not just the output there is now */
	const sigset_t *waitmask; /* the signal mask while waiting; NULL: unchanged */
	volatile sig_atomic_t *stop; /* set by a signal: ends the copy */
	bool input_lost; /* out: the VM ended before it took all of the input */
};

/*
 * A console descriptor to stdout and, with in_fd, in_fd to the console
 * (console.c): 0 at its end, 1 if *stop got set, -1 on error.
 */
int console_pump(struct console_pump *p, const char *name);
/* What console_pump() should forward: stdin, or -1 when it should not read it. */
int console_input_fd(bool follow);

/* Destroy a VM by id (when has_id) or else by name; returns 0 or a negative errno. */
int vm_destroy(struct dnl *nl, const char *name, bool has_id, uint32_t id);

#endif /* DENALICTL_SUBCOMMANDS_H */
