/* The subcommands of denalictl, one <cmd>_main() each, and helpers they share. */
#ifndef DENALICTL_SUBCOMMANDS_H
#define DENALICTL_SUBCOMMANDS_H

#include <stdbool.h>
#include <stdint.h>

struct dnl;

int create_main(int argc, char **argv);
int elf_check_main(int argc, char **argv);
int destroy_main(int argc, char **argv);
int list_main(int argc, char **argv);
int show_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int monitor_main(int argc, char **argv);

/* Destroy a VM by id (when has_id) or else by name; returns 0 or a negative errno. */
int vm_destroy(struct dnl *nl, const char *name, bool has_id, uint32_t id);

#endif /* DENALICTL_SUBCOMMANDS_H */
