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

/* Create a VM (create.c); returns 0 or a negative errno. */
int vm_create(struct dnl *nl, const char *name, uint64_t mem, const struct image *img, bool *has_id,
	      uint32_t *id);

/* A console descriptor to stdout (console.c): 0 at its end, 1 if *stop got set, -1 on error. */
int console_pump(int fd, const char *name, bool follow, const sigset_t *waitmask,
		 volatile sig_atomic_t *stop);

/* Destroy a VM by id (when has_id) or else by name; returns 0 or a negative errno. */
int vm_destroy(struct dnl *nl, const char *name, bool has_id, uint32_t id);

#endif /* DENALICTL_SUBCOMMANDS_H */
