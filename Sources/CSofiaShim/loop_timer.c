// One-shot timers on sofia's su_root timer queue, for Legato's per-call
// timers (no-answer, early media, RFC 4028 session timers): arming and
// disarming one is a heap operation on the loop thread, where a Swift Task
// with Task.sleep costs a task, a dispatch timer and two thread hops.
#include <sofia-sip/su_wait.h>
#include "CSofiaShim.h"

#include <stdlib.h>

struct legato_timer {
    su_timer_t *timer;
    legato_fd_callback cb;
    void *arg;
};

static void legato_timer_fire(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg) {
    (void)magic; (void)t;
    struct legato_timer *timer = (struct legato_timer *)arg;
    timer->cb(timer->arg);
}

legato_timer *legato_timer_create(su_root_t *root) {
    struct legato_timer *timer = calloc(1, sizeof *timer);
    if (!timer) return NULL;
    timer->timer = su_timer_create(su_root_task(root), 0);
    if (!timer->timer) { free(timer); return NULL; }
    return timer;
}

int legato_timer_start(legato_timer *timer, unsigned long ms, legato_fd_callback cb, void *arg) {
    timer->cb = cb;
    timer->arg = arg;
    return su_timer_set_interval(timer->timer, legato_timer_fire, (su_timer_arg_t *)timer, (su_duration_t)ms);
}

void legato_timer_stop(legato_timer *timer) { su_timer_reset(timer->timer); }

void legato_timer_destroy(legato_timer *timer) {
    if (!timer) return;
    su_timer_destroy(timer->timer);
    free(timer);
}
