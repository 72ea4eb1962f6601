/* import_error: where and why a report could not be read; shared by the
 * import API and the format parsers. */
#ifndef HOPDOC_IMPORT_ERROR_H
#define HOPDOC_IMPORT_ERROR_H

#define IMPORT_FILE_MAX 256
#define IMPORT_MSG_MAX 256
/* Larger inputs are refused. A report of 255 hops with 8 responders each is
 * under 1 MiB in every format; mtr -l's raw stream fills 16 MiB with over half
 * a million probes (hours of a 30-hop run). Every parser is linear, and at
 * this size the slowest one takes well under a second and under 100 MB. */
#define IMPORT_MAX_BYTES (16u * 1024 * 1024)

struct import_error {
	char file[IMPORT_FILE_MAX]; /* as the user named it; "-" reads as "<stdin>" */
	unsigned line;              /* 1-based; 0 when the file could not be read */
	char msg[IMPORT_MSG_MAX];   /* "expected ..." */
};

#endif
