/* import_error: where and why a report could not be read; shared by the
 * import API and the format parsers. */
#ifndef HOPDOC_IMPORT_ERROR_H
#define HOPDOC_IMPORT_ERROR_H

#define IMPORT_FILE_MAX 256
#define IMPORT_MSG_MAX 256
#define IMPORT_MAX_BYTES (16u * 1024 * 1024) /* larger inputs are refused */

struct import_error {
	char file[IMPORT_FILE_MAX]; /* as the user named it; "-" reads as "<stdin>" */
	unsigned line;              /* 1-based; 0 when the file could not be read */
	char msg[IMPORT_MSG_MAX];   /* "expected ..." */
};

#endif
