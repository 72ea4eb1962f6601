#include "tui/tui_term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "tui/tui_state.h"

#define PIPE_BYTES (1024 * 1024)
#define READ_CHUNK 65536

enum { PAIR_BAD = 1, PAIR_GOOD = 2 };

struct tui_term {
	SCREEN *screen;
	FILE *to_pipe;  /* ncurses writes here */
	int from_pipe;  /* we read what it wrote */
	FILE *in;
	int in_fd, out_fd;
	int out_flags;  /* the terminal's file status flags, restored at close */
	struct termios saved;
	bool color;
	bool lost;      /* bytes were dropped: repaint everything */
	bool raw;       /* saved holds the terminal's modes */
	bool nonblocking; /* out_fd's flags are ours until close */
	char *pending;  /* bytes waiting for the terminal */
	size_t len;
};

static int open_pipe(struct tui_term *t)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	(void)fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* the default 64 KiB also works, less roomily */
	(void)fcntl(fds[0], F_SETFL, O_NONBLOCK);
	t->from_pipe = fds[0];
	t->to_pipe = fdopen(fds[1], "w");
	if (!t->to_pipe)
		close(fds[1]);
	return t->to_pipe ? 0 : -1;
}

/* Keys come one at a time without echo; ^C still sends SIGINT (quit). */
static int raw_keys(struct tui_term *t)
{
	if (tcgetattr(t->in_fd, &t->saved) != 0)
		return -1;
	struct termios tio = t->saved;
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tio.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(t->in_fd, TCSANOW, &tio) != 0)
		return -1;
	t->raw = true;
	return 0;
}

static void setup_colors(struct tui_term *t)
{
	const char *no_color = getenv("NO_COLOR"); /* no-color.org: set and not empty */
	t->color = has_colors() && !(no_color && no_color[0]) && start_color() == OK;
	if (!t->color)
		return;
	use_default_colors();
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
}

static int start_screen(struct tui_term *t, char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	if (!term || !term[0]) {
		snprintf(err, errlen, "TERM is not set: cannot draw the view (use -r for a report)");
		return -1;
	}
	t->screen = newterm(term, t->to_pipe, t->in);
	if (!t->screen) {
		snprintf(err, errlen, "unknown terminal type '%s' (TERM): cannot draw the view "
		         "(use -r for a report)", term);
		return -1;
	}
	set_term(t->screen);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	typeahead(-1);
	set_escdelay(25);
	curs_set(0);
	setup_colors(t);
	int w, h;
	tui_term_size(t, &w, &h);
	return 0;
}

static int open_streams(struct tui_term *t, char *err, size_t errlen)
{
	int in_copy = dup(t->in_fd); /* fclose must not close the caller's stdin */
	if (in_copy >= 0 && !(t->in = fdopen(in_copy, "r")))
		close(in_copy);
	if (!t->in || open_pipe(t) != 0) {
		snprintf(err, errlen, "cannot set up the terminal: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct tui_term *tui_term_open(int in_fd, int out_fd, char *err, size_t errlen)
{
	if (!isatty(in_fd) || !isatty(out_fd)) {
		snprintf(err, errlen, "the interactive view needs a terminal (use -r for a report)");
		return NULL;
	}
	struct tui_term *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->in_fd = in_fd;
	t->out_fd = out_fd;
	t->from_pipe = -1;
	t->out_flags = fcntl(out_fd, F_GETFL);
	err[0] = '\0';
	if (open_streams(t, err, errlen) != 0 || start_screen(t, err, errlen) != 0 ||
	    raw_keys(t) != 0 || t->out_flags < 0 ||
	    fcntl(out_fd, F_SETFL, t->out_flags | O_NONBLOCK) != 0) {
		if (!err[0])
			snprintf(err, errlen, "cannot set up the terminal: %s", strerror(errno));
		tui_term_close(t);
		return NULL;
	}
	t->nonblocking = true;
	return t;
}

/* The bytes ncurses wrote since the last call, onto the backlog (or
 * dropped when the backlog is full). */
static void drain_pipe(struct tui_term *t)
{
	char buf[READ_CHUNK];
	ssize_t n;
	while ((n = read(t->from_pipe, buf, sizeof(buf))) > 0) {
		char *grown = NULL;
		if (!t->lost && t->len + (size_t)n <= TUI_TERM_BACKLOG)
			grown = realloc(t->pending, t->len + (size_t)n);
		if (!grown) { /* until the next paint, which redraws it all */
			t->lost = true;
			t->len = 0;
			continue;
		}
		t->pending = grown;
		memcpy(t->pending + t->len, buf, (size_t)n);
		t->len += (size_t)n;
	}
}

bool tui_term_flush(struct tui_term *t)
{
	drain_pipe(t);
	while (t->len > 0) {
		ssize_t n = write(t->out_fd, t->pending, t->len);
		if (n <= 0)
			return errno == EAGAIN || errno == EINTR; /* a dead terminal: drop */
		memmove(t->pending, t->pending + n, t->len - (size_t)n);
		t->len -= (size_t)n;
	}
	return false;
}

/* At close, the reset sequences must reach the terminal: blocking again. */
static void flush_all(struct tui_term *t)
{
	fflush(t->to_pipe);
	(void)fcntl(t->out_fd, F_SETFL, t->out_flags);
	t->nonblocking = false;
	t->lost = false;
	drain_pipe(t);
	for (size_t off = 0; off < t->len;) {
		ssize_t n = write(t->out_fd, t->pending + off, t->len - off);
		if (n <= 0 && errno != EINTR)
			break;
		off += n > 0 ? (size_t)n : 0;
	}
	t->len = 0;
}

void tui_term_close(struct tui_term *t)
{
	if (!t)
		return;
	if (t->screen) {
		endwin();
		flush_all(t);
		delscreen(t->screen);
	}
	if (t->raw)
		tcsetattr(t->in_fd, TCSANOW, &t->saved);
	if (t->nonblocking)
		(void)fcntl(t->out_fd, F_SETFL, t->out_flags);
	if (t->to_pipe)
		fclose(t->to_pipe);
	if (t->from_pipe >= 0)
		close(t->from_pipe);
	if (t->in)
		fclose(t->in);
	free(t->pending);
	free(t);
}

void tui_term_size(struct tui_term *t, int *width, int *height)
{
	struct winsize ws;
	if (ioctl(t->out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		if (ws.ws_col != COLS || ws.ws_row != LINES)
			resizeterm(ws.ws_row, ws.ws_col);
	}
	*width = COLS;
	*height = LINES;
}

static chtype cell_attrs(const struct tui_term *t, unsigned a)
{
	chtype c = 0;
	if (a & TUI_ATTR_BOLD)
		c |= A_BOLD;
	if (a & TUI_ATTR_REVERSE)
		c |= A_REVERSE;
	if (a & TUI_ATTR_BAD)
		c |= t->color ? COLOR_PAIR(PAIR_BAD) | A_BOLD : A_BOLD | A_UNDERLINE;
	if ((a & TUI_ATTR_GOOD) && t->color)
		c |= COLOR_PAIR(PAIR_GOOD);
	return c;
}

int tui_term_paint(struct tui_term *t, const struct tui_grid *g)
{
	drain_pipe(t); /* the pipe's whole room for this paint */
	if (t->lost) {
		clearok(curscr, TRUE);
		t->lost = false;
	}
	int h = tui_grid_height(g) < LINES ? tui_grid_height(g) : LINES;
	int w = tui_grid_width(g) < COLS ? tui_grid_width(g) : COLS;
	for (int r = 0; r < h; r++) {
		const char *text = tui_grid_row(g, r);
		const unsigned char *attr = tui_grid_attrs(g, r);
		for (int c = 0; c < w; c++)
			mvaddch(r, c, (chtype)(unsigned char)text[c] | cell_attrs(t, attr[c]));
	}
	return refresh() == ERR ? -1 : 0;
}

static int translate(int k)
{
	switch (k) {
	case KEY_UP: return TUI_KEY_UP;
	case KEY_DOWN: return TUI_KEY_DOWN;
	case KEY_PPAGE: return TUI_KEY_PGUP;
	case KEY_NPAGE: return TUI_KEY_PGDN;
	case KEY_HOME: return TUI_KEY_HOME;
	case KEY_END: return TUI_KEY_END;
	case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
	case KEY_RESIZE: return TUI_KEY_RESIZE;
	case KEY_ENTER:
	case '\r': return TUI_KEY_ENTER;
	default: return k >= 0 && k < 0x100 ? k : -2; /* -2: a key the view does not use */
	}
}

int tui_term_key(struct tui_term *t)
{
	(void)t;
	int k;
	while ((k = getch()) != ERR) {
		int key = translate(k);
		if (key != -2)
			return key;
	}
	return -1;
}
