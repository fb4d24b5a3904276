#include <sofia-sip/su.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/su_strlst.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip.h>
#include "CSofiaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/url.h>

struct legato_agent {
    legato_event_callback callback;
    void *magic;
};

static void legato_nua_callback(nua_event_t event, int status, char const *phrase,
                                nua_t *nua, nua_magic_t *magic,
                                nua_handle_t *nh, nua_hmagic_t *hmagic,
                                sip_t const *sip, tagi_t tags[]);

// ---------------------------------------------------------------- root

su_root_t *legato_root_create(void) {
    // su_init: initialises sofia's socket layer and debugging (idempotent per thread).
    if (su_init() != 0) return NULL;
    su_root_t *root = su_root_create(NULL);
    if (root) su_root_threading(root, 0);
    return root;
}


int legato_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void legato_eventfd_signal(int fd) {
    eventfd_t one = 1;
    // EAGAIN only when the counter would overflow: the loop is awake anyway.
    (void)eventfd_write(fd, one);
}

void legato_eventfd_drain(int fd) {
    eventfd_t value;
    (void)eventfd_read(fd, &value);
}

struct legato_fd_registration {
    legato_fd_callback cb;
    void *arg;
};

// su_wakeup_f thunk: forwards to the Swift callback.
static int legato_fd_wakeup(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg) {
    (void)magic; (void)w;
    struct legato_fd_registration *reg = (struct legato_fd_registration *)arg;
    reg->cb(reg->arg);
    return 0;
}

int legato_root_register_fd(su_root_t *root, int fd, legato_fd_callback cb, void *arg) {
    // Lives as long as the root (one per process); never freed.
    struct legato_fd_registration *reg = malloc(sizeof *reg);
    if (!reg) return -1;
    reg->cb = cb;
    reg->arg = arg;
    su_wait_t wait[1] = { SU_WAIT_INIT };
    if (su_wait_create(wait, fd, SU_WAIT_IN) < 0) { free(reg); return -1; }
    return su_root_register(root, wait, legato_fd_wakeup, (su_wakeup_arg_t *)reg, 0);
}

// ---------------------------------------------------------------- nua

nua_t *legato_nua_create(su_root_t *root, legato_event_callback callback, void *magic,
                         char const *url, char const *sips_url, char const *cert_dir,
                         char const *user_agent) {
    // One per agent, alive as long as the process (agents are few and long-lived).
    struct legato_agent *agent = malloc(sizeof *agent);
    if (!agent) return NULL;
    agent->callback = callback;
    agent->magic = magic;
    return nua_create(root, legato_nua_callback, (nua_magic_t *)agent,
                      NUTAG_URL(url),
                      TAG_IF(sips_url, NUTAG_SIPS_URL(sips_url)),
                      TAG_IF(cert_dir, NUTAG_CERTIFICATE_DIR(cert_dir)),
                      NUTAG_MEDIA_ENABLE(0),
                      NUTAG_AUTOANSWER(0),
                      NUTAG_AUTOALERT(0),
                      NUTAG_AUTOACK(0),
                      NUTAG_ENABLEINVITE(1),
                      // INFO and MESSAGE are answered by Legato (with the far
                      // side's response), not automatically by nua.
                      NUTAG_APPL_METHOD("INVITE, INFO, MESSAGE, REFER, UPDATE, PRACK"),
                      SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, MESSAGE, REFER, NOTIFY, UPDATE, PRACK"),
                      // 100rel (RFC 3262) is terminated per leg: nua sends 18x
                      // reliably to a caller that requires or supports it and
                      // PRACKs a callee's reliable 18x itself.
                      SIPTAG_SUPPORTED_STR("100rel"),
                      // RFC 4028 session timers are Legato's own (LegatoCall's
                      // SessionTimer), not nua's: nua ends a session with BYE
                      // when a refresh it sent gets 501 or 405, and refreshes
                      // where the peer never negotiated timers. Without "timer"
                      // in Supported nua negotiates nothing and never refreshes;
                      // Legato writes Session-Expires itself and refreshes with
                      // an UPDATE sent as a plain request (legato_nua_request),
                      // whose failure nua does not treat as the session's.
                      NUTAG_SESSION_TIMER(0),
                      // A B2BUA decides itself what a failure means: no automatic
                      // redirect following, no retry after 503/Retry-After.
                      NUTAG_AUTO302(0),
                      NUTAG_AUTO305(0),
                      NUTAG_MAX_RETRY_AFTER(0),
                      NUTAG_RETRY_COUNT(0),
                      NUTAG_M_FEATURES(NULL),
                      // The largest message sofia takes on a TCP/TLS stream
                      // (its default is 2 MiB); a bigger one closes the
                      // connection. Never below 65,536: sofia sizes a UDP
                      // read by the pending datagram before Legato's wire
                      // gate sees it, and a datagram over this limit would
                      // leave its reader broken (an assertion in
                      // tport_recv_dgram). No UDP datagram exceeds 65,507
                      // bytes; UDP's own limits are the gate's
                      // (security.max_message_bytes / max_body_bytes).
                      NTATAG_MAXSIZE(65536),
                      TAG_IF(user_agent, SIPTAG_USER_AGENT_STR(user_agent)),
                      TAG_END());
}

nua_handle_t *legato_nua_handle_create(nua_t *nua, void *hmagic, char const *from, char const *to) {
    // With several signalling shards, the Call-ID is one this shard owns, so
    // that the answers reach it whichever shard the kernel hands them to.
    char call_id[32];
    int own = legato_shard_count() > 1
        && legato_shard_make_call_id(call_id, sizeof call_id, legato_shard_index(), legato_shard_count());
    return nua_handle(nua, (nua_hmagic_t *)hmagic,
                      SIPTAG_FROM_STR(from),
                      SIPTAG_TO_STR(to),
                      TAG_IF(own, SIPTAG_CALL_ID_STR(call_id)),
                      TAG_END());
}

// Builds a payload header from a counted buffer (bodies may hold NUL bytes).
static sip_payload_t *legato_payload(su_home_t *home, char const *body, size_t len) {
    if (!body) return NULL;
    return sip_payload_create(home, body, (isize_t)len);
}

void legato_nua_invite(nua_handle_t *nh, char const *request_uri, int max_forwards,
                       char const *content_type, char const *body, size_t body_len,
                       char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    char mf[16];
    snprintf(mf, sizeof mf, "%d", max_forwards);
    sip_payload_t *pl = legato_payload(home, body, body_len);
    // nua copies the tag list before returning, so the home can go right after.
    nua_invite(nh,
               TAG_IF(request_uri, NUTAG_URL(request_uri)),
               TAG_IF(max_forwards >= 0, SIPTAG_MAX_FORWARDS_STR(mf)),
               TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
               TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
               TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
               TAG_END());
    su_home_deinit(home);
}

// nua keeps the phrase pointer of nua_respond until the response is sent, after
// the call returns: phrases are interned in a process-wide table (bounded; past
// the bound the standard phrase for the status is used).
static char const *legato_intern_phrase(int status, char const *phrase) {
    static su_home_t *home;
    static char const *table[512];
    static size_t count;
    if (!phrase) return sip_status_phrase(status);
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i], phrase) == 0) return table[i];
    if (count == sizeof table / sizeof table[0]) {
        char const *standard = sip_status_phrase(status);
        return standard ? standard : "Unknown";
    }
    if (!home) home = su_home_new(sizeof *home);
    table[count] = su_strdup(home, phrase);
    return table[count++];
}

void legato_nua_set_appl_methods(nua_t *nua, char const *methods) {
    nua_set_params(nua, NUTAG_APPL_METHOD(methods), TAG_END());
}

void legato_nua_respond(nua_handle_t *nh, int status, char const *phrase,
                        char const *content_type, char const *body, size_t body_len,
                        char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_respond(nh, status, legato_intern_phrase(status, phrase),
                TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
                TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
                TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
                TAG_END());
    su_home_deinit(home);
}

void legato_nua_ack(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_ack(nh,
            TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
            TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
            TAG_END());
    su_home_deinit(home);
}

void legato_nua_bye(nua_handle_t *nh, char const *headers) {
    nua_bye(nh, TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)), TAG_END());
}

void legato_nua_cancel(nua_handle_t *nh, char const *headers) {
    nua_cancel(nh, TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)), TAG_END());
}

void legato_nua_respond_saved(nua_handle_t *nh, void *saved, int status, char const *phrase,
                              char const *content_type, char const *body, size_t body_len,
                              char const *headers) {
    nua_saved_event_t *event = (nua_saved_event_t *)saved;
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_respond(nh, status, legato_intern_phrase(status, phrase),
                NUTAG_WITH_SAVED(event),
                TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
                TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
                TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
                TAG_END());
    su_home_deinit(home);
    nua_destroy_event(event);
    free(event);
}

void legato_nua_notify_refer(nua_handle_t *nh, char const *sipfrag, int terminated) {
    nua_notify(nh,
               SIPTAG_EVENT_STR("refer"),
               NUTAG_SUBSTATE(terminated ? nua_substate_terminated : nua_substate_active),
               SIPTAG_CONTENT_TYPE_STR("message/sipfrag;version=2.0"),
               SIPTAG_PAYLOAD_STR(sipfrag),
               TAG_END());
}

void legato_nua_prack(nua_handle_t *nh, unsigned rseq, unsigned cseq, char const *content_type,
                      char const *body, size_t body_len, char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    char rack[64];
    snprintf(rack, sizeof rack, "%u %u INVITE", rseq, cseq);
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_prack(nh,
              SIPTAG_RACK_STR(rack),
              TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
              TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
              TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
              TAG_END());
    su_home_deinit(home);
}

void legato_nua_update(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                       char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_update(nh,
               TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
               TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
               TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
               TAG_END());
    su_home_deinit(home);
}

void legato_nua_request(nua_handle_t *nh, char const *method, char const *headers) {
    nua_method(nh,
               NUTAG_METHOD(method),
               TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
               TAG_END());
}

void legato_nua_info(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                     char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_info(nh,
             TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
             TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
             TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
             TAG_END());
    su_home_deinit(home);
}

void legato_nua_message(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                        char const *headers) {
    su_home_t home[1] = { SU_HOME_INIT(home) };
    sip_payload_t *pl = legato_payload(home, body, body_len);
    nua_message(nh,
                TAG_IF(content_type && pl, SIPTAG_CONTENT_TYPE_STR(content_type)),
                TAG_IF(pl, SIPTAG_PAYLOAD(pl)),
                TAG_IF(headers && *headers, SIPTAG_HEADER_STR(headers)),
                TAG_END());
    su_home_deinit(home);
}

_Static_assert(LEGATO_CALLSTATE_TERMINATED == nua_callstate_terminated, "callstate numbering");

void legato_nua_shutdown(nua_t *nua) { nua_shutdown(nua); }
void legato_nua_destroy(nua_t *nua) { nua_destroy(nua); }
void legato_nua_handle_destroy(nua_handle_t *nh) { nua_handle_destroy(nh); }
void legato_root_run(su_root_t *root) { su_root_run(root); }

// ---------------------------------------------------------------- events

static legato_event_kind legato_kind(nua_event_t event) {
    switch (event) {
    case nua_i_invite: return LEGATO_EV_I_INVITE;
    case nua_r_invite: return LEGATO_EV_R_INVITE;
    case nua_i_ack: return LEGATO_EV_I_ACK;
    case nua_i_cancel: return LEGATO_EV_I_CANCEL;
    case nua_i_bye: return LEGATO_EV_I_BYE;
    case nua_i_state: return LEGATO_EV_I_STATE;
    case nua_r_shutdown: return LEGATO_EV_R_SHUTDOWN;
    case nua_i_info: return LEGATO_EV_I_INFO;
    case nua_r_info: return LEGATO_EV_R_INFO;
    case nua_i_message: return LEGATO_EV_I_MESSAGE;
    case nua_r_message: return LEGATO_EV_R_MESSAGE;
    case nua_i_refer: return LEGATO_EV_I_REFER;
    case nua_i_update: return LEGATO_EV_I_UPDATE;
    case nua_r_update: return LEGATO_EV_R_UPDATE;
    case nua_i_prack: return LEGATO_EV_I_PRACK;
    case nua_r_prack: return LEGATO_EV_R_PRACK;
    case nua_r_method: return LEGATO_EV_R_REQUEST;
    default: return nua_event_is_incoming_request(event) ? LEGATO_EV_I_OTHER_REQUEST : LEGATO_EV_OTHER;
    }
}

static char const *legato_url(su_home_t *home, url_t const *url) {
    return url ? url_as_string(home, url) : NULL;
}

// "scheme p1, p2, …" of a credentials header, built from its parameter list:
// sip_header_as_string() of sofia 1.12 drops the last parameter of some
// Authorization values (seen: nc after qop).
static char const *legato_auth_string(su_home_t *home, msg_auth_t const *au) {
    if (!au || !au->au_scheme) return NULL;
    su_strlst_t *parts = su_strlst_create(home);
    if (au->au_params)
        for (char const *const *p = au->au_params; *p; p++) su_strlst_append(parts, *p);
    char const *joined = su_strlst_join(parts, home, ", ");
    return su_sprintf(home, "%s %s", au->au_scheme, joined ? joined : "");
}

// Copies what Legato reads of `sip` into `out`; strings live in `home`.
static void legato_fill_message(su_home_t *home, sip_t const *sip, legato_event *out) {
    out->max_forwards = -1;
    out->session_expires = -1;
    out->min_se = -1;
    out->allows_update = -1;
    if (!sip) return;
    out->has_message = 1;
    if (sip->sip_request) {
        out->method = sip->sip_request->rq_method_name;
        out->request_uri = legato_url(home, sip->sip_request->rq_url);
        out->request_user = sip->sip_request->rq_url->url_user;
    }
    if (sip->sip_status) {
        out->msg_status = sip->sip_status->st_status;
        out->msg_phrase = sip->sip_status->st_phrase;
    }
    if (sip->sip_from) {
        out->from_display = sip->sip_from->a_display;
        out->from_uri = legato_url(home, sip->sip_from->a_url);
        out->from_user = sip->sip_from->a_url->url_user;
    }
    if (sip->sip_to) {
        out->to_display = sip->sip_to->a_display;
        out->to_uri = legato_url(home, sip->sip_to->a_url);
        out->to_user = sip->sip_to->a_url->url_user;
    }
    if (sip->sip_call_id) out->call_id = sip->sip_call_id->i_id;
    if (sip->sip_max_forwards) out->max_forwards = (int)sip->sip_max_forwards->mf_count;
    if (sip->sip_content_type) out->content_type = sip->sip_content_type->c_type;
    if (sip->sip_payload) {
        out->payload = sip->sip_payload->pl_data;
        out->payload_len = sip->sip_payload->pl_len;
    }
    if (sip->sip_contact) out->contact_uri = legato_url(home, sip->sip_contact->m_url);
    if (sip->sip_user_agent) out->user_agent = sip->sip_user_agent->g_string;
    msg_auth_t const *challenge = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
    if (challenge && challenge->au_params) {
        char const *realm = msg_params_find(challenge->au_params, "realm=");
        if (realm) out->challenge_realm = realm;
    }
    if (sip->sip_authorization) out->authorization = legato_auth_string(home, sip->sip_authorization);
    if (sip->sip_proxy_authorization)
        out->proxy_authorization = legato_auth_string(home, sip->sip_proxy_authorization);
    if (sip->sip_subject) out->subject = sip->sip_subject->g_value;
    if (sip->sip_rseq) out->rseq = (unsigned)sip->sip_rseq->rs_response;
    if (sip->sip_cseq) out->cseq = (unsigned)sip->sip_cseq->cs_seq;
    out->supports_100rel = sip_has_feature(sip->sip_supported, "100rel") || sip_has_feature(sip->sip_require, "100rel");
    out->session_expires = -1;
    if (sip->sip_session_expires) {
        out->session_expires = (long)sip->sip_session_expires->x_delta;
        out->session_refresher = sip->sip_session_expires->x_refresher;
    }
    out->min_se = sip->sip_min_se ? (long)sip->sip_min_se->min_delta : -1;
    out->supports_timer = sip_has_feature(sip->sip_supported, "timer") || sip_has_feature(sip->sip_require, "timer");
    out->allows_update = sip->sip_allow ? (sip_is_allowed(sip->sip_allow, sip_method_update, "UPDATE") ? 1 : 0) : -1;
    if (sip->sip_refer_to) out->refer_to = legato_url(home, sip->sip_refer_to->r_url);
    if (sip->sip_referred_by) out->referred_by = sip_header_as_string(home, (sip_header_t const *)sip->sip_referred_by);
    if (sip->sip_unknown) {
        su_strlst_t *lines = su_strlst_create(home);
        for (sip_unknown_t const *u = sip->sip_unknown; u; u = u->un_next)
            if (u->un_name) su_strlst_append(lines, su_sprintf(home, "%s: %s", u->un_name, u->un_value ? u->un_value : ""));
        out->other_headers = su_strlst_join(lines, home, "\r\n");
    }
}

// The source of the request being reported (nua_current_request: the message
// nua is delivering): address text, port and transport from its addrinfo.
static void legato_fill_source(nua_t *nua, legato_event *out) {
    msg_t *msg = nua_current_request(nua);
    su_addrinfo_t *ai = msg ? msg_addrinfo(msg) : NULL;
    if (!ai || !ai->ai_addr) return;
    su_sockaddr_t const *su = (su_sockaddr_t const *)ai->ai_addr;
    if (su->su_family == AF_INET) {
        inet_ntop(AF_INET, &su->su_sin.sin_addr, out->source_address, sizeof out->source_address);
        out->source_port = ntohs(su->su_sin.sin_port);
    } else if (su->su_family == AF_INET6) {
        inet_ntop(AF_INET6, &su->su_sin6.sin6_addr, out->source_address, sizeof out->source_address);
        out->source_port = ntohs(su->su_sin6.sin6_port);
    } else {
        return;
    }
    // tport reports TLS connections as IPPROTO_TCP: "tcp" stands for both.
    out->source_transport = ai->ai_protocol == IPPROTO_UDP ? "udp" : "tcp";
}

// nua_callback_f: flattens the event and hands it to Swift.
static void legato_nua_callback(nua_event_t event, int status, char const *phrase,
                                nua_t *nua, nua_magic_t *magic,
                                nua_handle_t *nh, nua_hmagic_t *hmagic,
                                sip_t const *sip, tagi_t tags[]) {
    (void)hmagic;
    struct legato_agent *agent = (struct legato_agent *)magic;
    su_home_t home[1] = { SU_HOME_INIT(home) };
    legato_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = legato_kind(event);
    ev.name = nua_event_name(event);
    ev.status = status;
    ev.phrase = phrase;
    ev.handle = nh;
    ev.call_state = -1;
    if (event == nua_i_state) tl_gets(tags, NUTAG_CALLSTATE_REF(ev.call_state), TAG_END());
    // Only the events Legato reads a message from pay for copying it.
    switch (ev.kind) {
    case LEGATO_EV_I_INVITE: case LEGATO_EV_R_INVITE: case LEGATO_EV_I_ACK:
    case LEGATO_EV_I_CANCEL: case LEGATO_EV_I_BYE:
    case LEGATO_EV_R_INFO: case LEGATO_EV_R_MESSAGE: case LEGATO_EV_R_UPDATE: case LEGATO_EV_R_PRACK:
    case LEGATO_EV_R_REQUEST:
        legato_fill_message(home, sip, &ev);
        break;
    case LEGATO_EV_I_INFO: case LEGATO_EV_I_MESSAGE: case LEGATO_EV_I_REFER: case LEGATO_EV_I_UPDATE:
    case LEGATO_EV_I_PRACK: {
        legato_fill_message(home, sip, &ev);
        // Answered later (after the far side answers): keep the request.
        nua_saved_event_t *saved = malloc(sizeof *saved);
        if (saved && nua_save_event(nua, saved)) {
            ev.saved = saved;
        } else {
            free(saved);
        }
        break;
    }
    case LEGATO_EV_I_OTHER_REQUEST:
        ev.max_forwards = -1;
        // OPTIONS left to Legato (NUTAG_APPL_METHOD while draining): keep it to answer 503.
        if (event == nua_i_options && status < 200) {
            nua_saved_event_t *saved = malloc(sizeof *saved);
            if (saved && nua_save_event(nua, saved)) {
                ev.saved = saved;
            } else {
                free(saved);
            }
        }
        break;
    default:
        ev.max_forwards = -1;
        // Registration answers: Legato reads the status and a challenge's realm.
        if (event == nua_r_register || event == nua_r_unregister) legato_fill_message(home, sip, &ev);
        break;
    }
    if (ev.has_message && ev.method && nua_event_is_incoming_request(event)) legato_fill_source(nua, &ev);
    agent->callback(agent->magic, &ev);
    su_home_deinit(home);
}

// ---------------------------------------------------------------- outbound auth, registration

void legato_nua_authenticate(nua_handle_t *nh, char const *credentials) {
    nua_authenticate(nh, NUTAG_AUTH(credentials), TAG_END());
}

void legato_nua_handle_allow_one_challenge(nua_handle_t *nh) {
    nua_set_hparams(nh, NUTAG_RETRY_COUNT(1), TAG_END());
}

void legato_nua_register(nua_handle_t *nh, char const *registrar, int expires, char const *contact) {
    char expires_text[16];
    snprintf(expires_text, sizeof expires_text, "%d", expires);
    nua_register(nh,
                 NUTAG_REGISTRAR(registrar),
                 SIPTAG_EXPIRES_STR(expires_text),
                 TAG_IF(contact, SIPTAG_CONTACT_STR(contact)),
                 // A registration with a trunk, not a NATed phone: no OPTIONS
                 // keepalives, no Contact validation, no rewriting from Via.
                 NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"),
                 NUTAG_KEEPALIVE(0),
                 TAG_END());
}

void legato_nua_unregister(nua_handle_t *nh) {
    nua_unregister(nh, TAG_END());
}
