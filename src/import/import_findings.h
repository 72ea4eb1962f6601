/* import_findings: the host findings (R13, `host-*`) of a hopdoc -j document,
 * read back. A server that runs the return trace of --return-via with
 * hopdoc samples its own counters over the run (--diagnose) and puts its
 * host-* findings in report.diagnosis; the client reads them here and
 * diag_pair_server_host words them as the server's. Every other finding of
 * the document is left alone (the client diagnoses the traces itself).
 * Untrusted bytes: fuzzed by fuzz/fuzz_import_findings.c.
 * Tests: tests/unit/import/test_import_findings.c. */
#ifndef HOPDOC_IMPORT_FINDINGS_H
#define HOPDOC_IMPORT_FINDINGS_H

#include <stddef.h>

#include "model/finding.h"

/* At most this many host findings are taken from one document. */
#define IMPORT_HOST_FINDINGS_MAX 16

/* Appends the host-* findings of the document's report.diagnosis to out, as
 * written (kind, severity, counter, rate_per_s, loss_pct and the texts;
 * segment, direction and hops are the reader's to set; in the texts, C0
 * and C1 controls, DEL, U+2028/U+2029, the bidirectional controls (U+061C,
 * U+200E/F, U+202A-E, U+2066-9) and bytes that are not UTF-8 become a
 * space each). Returns 1 when the
 * document has a diagnosis (so the host checks ran; none appended means a
 * healthy host), 0 when it has none (mtr, or hopdoc without --diagnose), -1
 * when it is not JSON or memory runs out (out is then as it was). */
int import_host_findings(const char *data, size_t len, struct finding_list *out);

#endif
