/* import_clean: takes a report out of the wrapping people paste it in, before
 * the format is detected: markdown `>` quotes and code fences, backticks
 * glued to the first or last figure, shell prompts and the `mtr ...` command
 * line, a UTF-8 BOM, CR line ends, non-breaking spaces, TABs, indentation
 * common to every line, decimal commas in hop rows, and hop rows or HOST:
 * lines a mail client wrapped onto a second line.
 *
 * Lines are dropped or joined, never split, and the cleaned text keeps the
 * original line of each of its lines, so an error still points at the line
 * the user sees in the file. Internal to src/import.
 * Tests: tests/unit/import/test_import_clean.c. */
#ifndef HOPDOC_IMPORT_CLEAN_H
#define HOPDOC_IMPORT_CLEAN_H

#include <stdbool.h>
#include <stddef.h>

struct import_clean {
	char *text;        /* NUL-terminated; lines end in '\n' */
	unsigned *origin;  /* origin[i]: the original line of cleaned line i + 1 */
	size_t n_lines;
	unsigned last_line; /* the original text's line count */
};

/* Cleans len bytes (no NUL among them). 0, or -1 when out of memory. */
int import_clean_text(const char *data, size_t len, struct import_clean *c);
void import_clean_free(struct import_clean *c);

/* The original line of cleaned line `line` (1-based); 0 stays 0, a line
 * past the end is the original's last line. */
unsigned import_clean_origin(const struct import_clean *c, unsigned line);

/* True for a shell prompt or a command line ("[root@host ~]# mtr -r x",
 * "$ mtr ...", "user@host:~$", "C:\>", "sudo mtr ..."), given a trimmed line. */
bool import_clean_is_command(const char *s);

#endif
