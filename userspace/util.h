/* Shared helpers of denalictl: size parsing and formatting, JSON strings, error messages. */
#ifndef DENALICTL_UTIL_H
#define DENALICTL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PROG_NAME "denalictl"

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_ERR 1
#define EXIT_USAGE 2

/* Global options, set by main() before the subcommand runs. */
extern bool opt_json;
extern bool opt_verbose;

int parse_size(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
const char *format_size(uint64_t bytes, char *buf, size_t len);
const char *vm_state_name(uint32_t state, char *buf, size_t len);

void json_string(FILE *f, const char *s);
void json_num(const char *key, bool has, uint64_t val);
const char *text_num(bool has, uint64_t val, char *buf, size_t len);

void err_msg(const char *object, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_errno(const char *object, int errnum);
int simple_args(int argc, char **argv, const char *usage, bool json, const char *what,
		const char **arg);
int usage_err(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* DENALICTL_UTIL_H */
