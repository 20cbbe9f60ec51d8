/*
 * denalictl -b FILE: many subcommands in one process, one per line, as
 * "ip -batch" does. Thousands of VMs are created, started or destroyed
 * without a fork and an exec each, which is most of what a single command
 * costs on a small or heavily instrumented host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "subcommands.h"
#include "util.h"

/*
 * Split line into words in place: blanks separate words, '...' is taken as
 * it is, "..." and a backslash outside quotes take the next character as it
 * is, and a '#' that starts a word starts a comment. Returns the number of
 * words, or -1 for an unterminated quote.
 */
static int split_words(char *line, char ***argvp, size_t *cap)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		if ((size_t)argc + 2 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			char **n = realloc(*argvp, ncap * sizeof(*n));

			if (!n) {
				perror(PROG_NAME);
				exit(EXIT_ERR);
			}
			*argvp = n;
			*cap = ncap;
		}
		(*argvp)[argc++] = w;
		for (; *r; r++) {
			if (quote == '\'') {
				if (*r == '\'')
					quote = 0;
				else
					*w++ = *r;
			} else if (*r == '\\' && r[1] && (!quote || r[1] == '"' || r[1] == '\\')) {
				*w++ = *++r;
			} else if (quote) {
				if (*r == '"')
					quote = 0;
				else
					*w++ = *r;
			} else if (*r == '\'' || *r == '"') {
				quote = *r;
			} else if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (quote)
			return -1;
		if (*r)
			r++;
		*w++ = '\0';
	}
	if (argc)
		(*argvp)[argc] = NULL;
	return argc;
}

int batch_run(const char *path, bool force, int (*dispatch)(int argc, char **argv))
{
	const bool json = opt_json, verbose = opt_verbose;
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, **argv = NULL;
	size_t len = 0, cap = 0;
	unsigned long lineno = 0;
	int status = EXIT_OK;

	if (!f) {
		err_errno(path, errno);
		return EXIT_ERR;
	}
	while (getline(&line, &len, f) != -1) {
		int argc, rc;

		lineno++;
		argc = split_words(line, &argv, &cap);
		if (argc == 0)
			continue;
		if (argc < 0) {
			fprintf(stderr, PROG_NAME ": %s:%lu: unterminated quote\n", path, lineno);
			rc = EXIT_USAGE;
		} else {
			/* Options given on one line (list -j) do not carry over. */
			opt_json = json;
			opt_verbose = verbose;
			rc = dispatch(argc, argv);
			fflush(stdout);
		}
		if (rc != EXIT_OK) {
			fprintf(stderr, PROG_NAME ": %s:%lu: command failed\n", path, lineno);
			if (status == EXIT_OK)
				status = rc;
			if (!force)
				break;
		}
	}
	if (ferror(f)) {
		err_errno(path, errno);
		if (status == EXIT_OK)
			status = EXIT_ERR;
	}
	free(line);
	free(argv);
	if (f != stdin)
		fclose(f);
	return status;
}
