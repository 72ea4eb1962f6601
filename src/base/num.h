/* num: a number typed by a person (an option, a query parameter), read whole
 * and in range or not at all. Each form must start with a digit (or, for a
 * decimal, a point), so a sign, a space or an empty string is refused
 * rather than read as something else; trailing junk is refused too.
 * Tests: tests/unit/base/test_num.c */
#ifndef HOPDOC_NUM_H
#define HOPDOC_NUM_H

/* s as a decimal integer in [lo, hi]: 0 with *out set, or -1. */
int num_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* s as a finite decimal number in [lo, hi]: 0 with *out set, or -1. */
int num_double(const char *s, double lo, double hi, double *out);

#endif
