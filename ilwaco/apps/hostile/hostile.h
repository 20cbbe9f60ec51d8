/* What every hostile guest shares: say what it is about to do, and report surviving it. */
#ifndef ILWACO_HOSTILE_H
#define ILWACO_HOSTILE_H

#include <ilwaco.h>

/*
 * The halt code of a hostile guest still alive after its attack: the
 * module failed to stop it, which the tests must see.
 */
#define SURVIVED 99

static inline void hostile_announce(const char *name, const char *what)
{
	printf("%s: about to %s\n", name, what);
}

static inline int hostile_survived(const char *name)
{
	printf("%s: survived\n", name);
	return SURVIVED;
}

#endif /* ILWACO_HOSTILE_H */
