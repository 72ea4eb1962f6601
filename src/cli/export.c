#include "cli/export.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "base/sink.h"
#include "render/render_html.h"
#include "render/render_winmtr.h"

static int failed(const char *name, int e, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "cannot write %s: %s", name, strerror(e ? e : EIO));
	return -1;
}

/* Writes and flushes the text: a short write or a failed flush (a full disk
 * shows there) is an error. */
static int write_stream(FILE *f, const char *name, const char *text, size_t len, char *msg, size_t msglen)
{
	errno = 0;
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
		return failed(name, errno, msg, msglen);
	return 0;
}

static int write_file(const char *path, const char *text, size_t len, char *msg, size_t msglen)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return failed(path, errno, msg, msglen);
	int rc = write_stream(f, path, text, len, msg, msglen);
	if (fclose(f) != 0 && rc == 0)
		rc = failed(path, errno, msg, msglen);
	return rc;
}

static int render_html_page(const struct export_input *in, struct sink *out)
{
	struct render_html_page p = { in->trace, in->opts, in->history, in->findings, in->source };
	return render_html(&p, out);
}

static int render_text_table(const struct export_input *in, struct sink *out)
{
	return render_winmtr_text(in->trace, in->opts, out);
}

/* Renders whole into memory, then writes to f, or to path when f is NULL. */
static int export_with(int (*render)(const struct export_input *, struct sink *), FILE *f,
		       const char *name, const struct export_input *in, char *msg, size_t msglen)
{
	struct sink *buf = sink_new_buffer();
	size_t len = 0;
	const char *text = NULL;
	if (buf && render(in, buf) == 0)
		text = sink_buffer(buf, &len);
	int rc = -1;
	if (!text)
		snprintf(msg, msglen, "cannot write %s: out of memory", name);
	else if (f)
		rc = write_stream(f, name, text, len, msg, msglen);
	else
		rc = write_file(name, text, len, msg, msglen);
	sink_free(buf);
	return rc;
}

int export_text_to(FILE *f, const char *name, const struct export_input *in, char *msg, size_t msglen)
{
	return export_with(render_text_table, f, name, in, msg, msglen);
}

int export_html_to(FILE *f, const char *name, const struct export_input *in, char *msg, size_t msglen)
{
	return export_with(render_html_page, f, name, in, msg, msglen);
}

int export_write_text(const char *path, const struct export_input *in, char *msg, size_t msglen)
{
	return export_with(render_text_table, NULL, path, in, msg, msglen);
}

int export_write_html(const char *path, const struct export_input *in, char *msg, size_t msglen)
{
	return export_with(render_html_page, NULL, path, in, msg, msglen);
}

const char *export_base_name(const char *host, time_t when, char *buf, size_t len)
{
	char safe[64], stamp[32] = "00000000-000000";
	size_t k = 0;
	for (const char *c = host ? host : ""; *c && k + 1 < sizeof(safe); c++)
		safe[k++] = isalnum((unsigned char)*c) || strchr(".-_", *c) ? *c : '_';
	safe[k] = '\0';
	struct tm tm;
	if (localtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, len, "hopdoc-%s-%s", k ? safe : "host", stamp);
	return buf;
}

/* The view's files are new ones under made-up names: never an existing file,
 * nor one a symbolic link planted in a shared directory points at. */
static int write_new(int (*to)(FILE *, const char *, const struct export_input *, char *, size_t),
		     const char *path, const struct export_input *in, char *msg, size_t msglen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		int why = errno;
		if (fd >= 0)
			close(fd);
		return failed(path, why, msg, msglen);
	}
	int rc = to(f, path, in, msg, msglen);
	if (fclose(f) != 0 && rc == 0)
		rc = failed(path, errno, msg, msglen);
	return rc;
}

int export_write_both(const struct export_input *in, const char *host, time_t when, const char *dir,
		      char *msg, size_t msglen)
{
	char base[128], txt[4096], html[4096];
	export_base_name(host, when, base, sizeof(base));
	const char *d = dir && dir[0] ? dir : ".";
	int n1 = snprintf(txt, sizeof(txt), "%s/%s.txt", d, base);
	int n2 = snprintf(html, sizeof(html), "%s/%s.html", d, base);
	if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof(txt) || (size_t)n2 >= sizeof(html)) {
		snprintf(msg, msglen, "cannot export: the directory name is too long");
		return -1;
	}
	if (write_new(export_text_to, txt, in, msg, msglen) != 0 ||
	    write_new(export_html_to, html, in, msg, msglen) != 0)
		return -1;
	snprintf(msg, msglen, "wrote %s and %s", txt, html);
	return 0;
}
