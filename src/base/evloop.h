/* evloop: one small event loop with fd events and timers.
 *
 * Timers are absolute CLOCK_MONOTONIC nanoseconds kept in a binary heap; the
 * loop sleeps in ppoll with a nanosecond timeout until the next timer or fd,
 * so an idle loop uses no CPU. Callbacks run on the loop's thread and may add
 * or remove fds and timers (including their own) and stop the loop. */
#ifndef HOPDOC_EVLOOP_H
#define HOPDOC_EVLOOP_H

#include <signal.h>
#include <stdint.h>

struct evloop;

#define EVLOOP_READ 1u
#define EVLOOP_WRITE 2u
#define EVLOOP_ERROR 4u /* reported only: POLLERR/POLLHUP/POLLNVAL */

typedef void (*evloop_fd_fn)(void *ctx, int fd, unsigned events);
typedef void (*evloop_timer_fn)(void *ctx);

/* Timer ids are never 0, so 0 can mean "no timer". */
typedef uint64_t evloop_timer_id;

struct evloop *evloop_new(void);
void evloop_free(struct evloop *loop);

/* CLOCK_MONOTONIC now, in nanoseconds. */
int64_t evloop_now_ns(void);

/* Watches fd for EVLOOP_READ and/or EVLOOP_WRITE; an fd already watched gets
 * the new events and callback. Returns 0, or -1 when memory runs out. */
int evloop_add_fd(struct evloop *loop, int fd, unsigned events, evloop_fd_fn fn, void *ctx);

/* Stops watching fd; 0, or -1 when it was not watched. */
int evloop_del_fd(struct evloop *loop, int fd);

/* Calls fn once at monotonic time when_ns (at once when it is past). Returns
 * the timer's id, or 0 when memory runs out. */
evloop_timer_id evloop_add_timer(struct evloop *loop, int64_t when_ns, evloop_timer_fn fn,
                                 void *ctx);

/* Cancels a pending timer; 0, or -1 when it already ran or never existed. */
int evloop_cancel_timer(struct evloop *loop, evloop_timer_id id);

/* Stops the loop when *flag becomes non-zero: a SIGINT or SIGTERM handler
 * sets it. While evloop_run runs with a flag watched, those two signals are
 * blocked except inside its ppoll (the caller's mask is restored on return),
 * so one that lands after the flag was checked stays pending and ends the
 * sleep at once instead of waiting for the next timer. */
void evloop_watch_flag(struct evloop *loop, const volatile sig_atomic_t *flag);

/* Runs until evloop_stop, the watched flag, or nothing is left to wait for
 * (no fd and no timer). Returns 0, or -1 with errno when ppoll fails. */
int evloop_run(struct evloop *loop);

/* Makes the loop wake at most once every window_ns (0, the default: at
 * once for every fd event and timer): after a wake-up it rests the window
 * out, watching no fd, so what arrives or falls due meanwhile is served by
 * one wake-up (a stop signal still ends the rest). For loops whose replies
 * carry kernel timestamps and whose timers can be window_ns late (hopdoc
 * monitor): a wake-up is a context switch, which costs more than serving
 * a reply. */
void evloop_set_window(struct evloop *loop, int64_t window_ns);
int64_t evloop_window_ns(const struct evloop *loop);

/* Makes evloop_run return after the current callback. */
void evloop_stop(struct evloop *loop);

/* Timers pending; for tests. */
unsigned evloop_timer_count(const struct evloop *loop);

#endif
