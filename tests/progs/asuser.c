/* asuser: run a command as an unprivileged user (uid/gid 65534, no capabilities). */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: asuser CMD [ARG]...\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("asuser: dropping privileges");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("asuser: exec");
	return 127;
}
