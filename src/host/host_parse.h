/* host_parse: pure parsers over the contents of /proc and /sys files: bytes
 * in, numbers out, no file I/O. Inputs need not end in NUL; every parser
 * returns 0, or -1 when the text does not hold what it asks for (a missing
 * field, a number out of range, garbage).
 * Tests: tests/unit/host/test_host_parse.c fuzz/fuzz_host.c. */
#ifndef HOPDOC_HOST_PARSE_H
#define HOPDOC_HOST_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "host/host.h"

/* One decimal number, blanks around it (a sysfs counter, a sysctl). */
int host_parse_uint(const char *buf, size_t len, uint64_t *out);

/* A sysctl's value as one line of text, blanks squeezed to one space
 * ("4096 87380 16777216"); at most outlen - 1 bytes, printable ASCII. */
int host_parse_text(const char *buf, size_t len, char *out, size_t outlen);

/* /proc/net/softnet_stat: one line per CPU of hex columns (their number
 * varies by kernel; at least 3). Column 2 (dropped) and column 3
 * (time_squeeze) per CPU, and their sums. */
int host_parse_softnet(const char *buf, size_t len, struct host_softnet *out);

/* /proc/net/snmp and /proc/net/netstat: pairs of lines "Tcp: names..." and
 * "Tcp: values...". The value of `field` in the pair of `group` ("Tcp",
 * "TcpExt"); a negative value (Tcp MaxConn) is UINT64_MAX. */
int host_parse_snmp(const char *buf, size_t len, const char *group, const char *field,
                     uint64_t *out);

/* /proc/net/stat/nf_conntrack: a header line of names, then one line of hex
 * numbers per CPU. The sum of column `field` ("insert_failed"). */
int host_parse_ct_stat(const char *buf, size_t len, const char *field, uint64_t *out);

#endif
