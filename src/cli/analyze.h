/* analyze: `hopdoc analyze [--json] OUTBOUND [RETURN]`, `--clients A B ...`:
 * import reports made by mtr, WinMTR or hopdoc and diagnose them.
 * Tests: tests/golden/analyze tests/golden/analyze-out tests/lab/t_cli.sh. */
#ifndef HOPDOC_ANALYZE_H
#define HOPDOC_ANALYZE_H

/* argv[0] is "analyze". Returns the exit status: 0, 1 on a failed run, 2 on bad input. */
int analyze_main(int argc, char **argv);

#endif
