// C shim for sofia-sip: one function per operation Legato needs, so that Swift
// never calls a variadic tag-list function or a macro. Every function here is
// called only on the signalling thread that owns the su_root.
#ifndef LEGATO_CSOFIASHIM_H
#define LEGATO_CSOFIASHIM_H

#include <stddef.h>

// sofia's headers define _GNU_SOURCE, which clashes with Swift's Glibc module,
// so this header exposes sofia's objects only as opaque pointers and plain C
// values; shim.c is the one file that includes sofia.
typedef struct su_root_s su_root_t;
typedef struct nua_s nua_t;
typedef struct nua_handle_s nua_handle_t;

// --- root, eventfd, wakeups -----------------------------------------------

/// su_init + su_home + su_root_create with threading off (nua's stack then runs
/// on this same thread). Returns NULL on failure.
su_root_t *legato_root_create(void);

/// eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC): not exported by Swift's Glibc module.
int legato_eventfd(void);
/// Adds 1 to the eventfd counter (wakes the loop). Thread-safe.
void legato_eventfd_signal(int fd);
/// Reads (and so clears) the eventfd counter.
void legato_eventfd_drain(int fd);

/// Callback type for legato_root_register_fd.
typedef void (*legato_fd_callback)(void *arg);
/// Registers `fd` for reading in the root; `cb(arg)` runs on the loop thread
/// when readable. Hides su_wait_t and su_wakeup_f (macros and union types).
int legato_root_register_fd(su_root_t *root, int fd, legato_fd_callback cb, void *arg);

// --- events ------------------------------------------------------------

/// The nua events Legato dispatches on (others arrive as LEGATO_EV_OTHER).
typedef enum legato_event_kind {
    LEGATO_EV_OTHER = 0,
    LEGATO_EV_I_INVITE,
    LEGATO_EV_R_INVITE,
    LEGATO_EV_I_ACK,
    LEGATO_EV_I_CANCEL,
    LEGATO_EV_I_BYE,
    LEGATO_EV_I_STATE,
    LEGATO_EV_R_SHUTDOWN,
    /// An incoming request nua answered itself (OPTIONS…): nobody owns its handle.
    LEGATO_EV_I_OTHER_REQUEST,
    /// INFO / MESSAGE received (answered by Legato through `saved`) and the
    /// responses to the ones Legato sent.
    LEGATO_EV_I_INFO,
    LEGATO_EV_R_INFO,
    LEGATO_EV_I_MESSAGE,
    LEGATO_EV_R_MESSAGE,
    /// REFER received (answered by Legato through `saved`).
    LEGATO_EV_I_REFER,
    /// UPDATE received (answered by Legato through `saved`) and the response
    /// to one Legato sent.
    LEGATO_EV_I_UPDATE,
    LEGATO_EV_R_UPDATE,
    /// PRACK received (answered by Legato through `saved`) and the response to one Legato sent.
    LEGATO_EV_I_PRACK,
    LEGATO_EV_R_PRACK,
    /// The final response to a request sent with legato_nua_request.
    LEGATO_EV_R_REQUEST,
} legato_event_kind;

/// One nua event with the fields Legato reads from its SIP message, as C
/// strings valid only during the callback (NULL where absent). The message
/// fields are filled only for INVITE (request and responses), ACK, CANCEL,
/// BYE, INFO and MESSAGE (requests and responses); for other events
/// `has_message` is 0.
typedef struct legato_event {
    legato_event_kind kind;
    char const *name;            // nua_event_name()
    int status;
    char const *phrase;
    nua_handle_t *handle;
    int call_state;              // LEGATO_CALLSTATE_* for LEGATO_EV_I_STATE, else -1
    int has_message;
    char const *method;          // request method name, NULL for a response
    char const *request_uri;
    char const *request_user;
    int msg_status;              // status line of a response message, 0 for a request
    char const *msg_phrase;
    char const *from_display;
    char const *from_uri;
    char const *from_user;
    char const *to_display;
    char const *to_uri;
    char const *to_user;
    char const *call_id;
    int max_forwards;            // -1 when absent
    char const *content_type;
    char const *payload;
    size_t payload_len;
    char const *contact_uri;
    char const *user_agent;
    char const *subject;
    /// Headers sofia does not parse (X-headers among them) as "Name: value" lines joined by CRLF.
    char const *other_headers;
    /// REFER: the Refer-To URI (with its URI headers, e.g. Replaces) and the
    /// Referred-By header value, when present.
    char const *refer_to;
    char const *referred_by;
    /// RSeq of a reliable provisional response (0: not reliable), and the CSeq number.
    unsigned rseq;
    unsigned cseq;
    /// The message's Supported or Require lists 100rel.
    int supports_100rel;
    /// RFC 4028: Session-Expires delta seconds (-1 when absent) and its
    /// refresher parameter ("uac"/"uas", NULL when absent); Min-SE (-1 when
    /// absent); Supported or Require lists "timer".
    long session_expires;
    char const *session_refresher;
    long min_se;
    int supports_timer;
    /// Allow lists UPDATE: 1 yes, 0 no, -1 no Allow header.
    int allows_update;
    /// Requests: the Authorization and Proxy-Authorization header values (NULL when absent).
    char const *authorization;
    char const *proxy_authorization;
    /// Incoming requests: where the request came from (address text, port,
    /// "udp"/"tcp"/"tls"); source_port 0 when unknown.
    char source_address[64];
    int source_port;
    char const *source_transport;
    /// For LEGATO_EV_I_INFO / LEGATO_EV_I_MESSAGE / LEGATO_EV_I_REFER: the saved request, to be
    /// answered exactly once with legato_nua_respond_saved (which frees it).
    void *saved;
    /// 401/407 responses: the realm of the first WWW-Authenticate or
    /// Proxy-Authenticate challenge, quoted as in the header (NULL when absent).
    char const *challenge_realm;
} legato_event;

enum { LEGATO_CALLSTATE_TERMINATED = 10 };

/// Receives every nua event of an agent created by legato_nua_create.
typedef void (*legato_event_callback)(void *magic, legato_event const *event);

// --- nua agent and handles -------------------------------------------------

/// nua_shutdown / nua_destroy / nua_handle_destroy (no tags; forwarded for the opaque types).
void legato_nua_shutdown(nua_t *nua);
void legato_nua_destroy(nua_t *nua);
void legato_nua_handle_destroy(nua_handle_t *nh);
/// Runs the root until legato_root_break.
void legato_root_run(su_root_t *root);

/// nua_create with Legato's fixed policy: media/SDP engine off, no auto-answer,
/// no auto-ACK (Legato ACKs so delayed offer can carry the answer), INVITE
/// handled by the application. `url` binds "sip:" transports, `sips_url`
/// (may be NULL) a TLS transport using certificates from `cert_dir`.
/// nua's own RFC 4028 session timers are off: Legato runs them (see shim.c).
nua_t *legato_nua_create(su_root_t *root, legato_event_callback callback, void *magic,
                         char const *url, char const *sips_url, char const *cert_dir,
                         char const *user_agent);

/// nua_handle for an outbound dialog with the given From and To header values.
nua_handle_t *legato_nua_handle_create(nua_t *nua, void *hmagic, char const *from, char const *to);

/// nua_invite (also a re-INVITE on an established handle). `request_uri`, when
/// not NULL, sets the Request-URI; `max_forwards` (>= 0) the
/// Max-Forwards; `content_type`/`body` may be NULL (delayed offer);
/// `headers` is CRLF-separated extra header lines or NULL.
void legato_nua_invite(nua_handle_t *nh, char const *request_uri, int max_forwards,
                       char const *content_type, char const *body, size_t body_len,
                       char const *headers);

/// nua_set_params(NUTAG_APPL_METHOD(methods)): the methods Legato answers
/// itself (draining adds OPTIONS, answered 503).
void legato_nua_set_appl_methods(nua_t *nua, char const *methods);

/// nua_respond with optional body and extra headers.
void legato_nua_respond(nua_handle_t *nh, int status, char const *phrase,
                        char const *content_type, char const *body, size_t body_len,
                        char const *headers);

/// nua_ack with optional body (the answer of a delayed-offer call).
void legato_nua_ack(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len);

/// nua_bye with optional extra headers.
void legato_nua_bye(nua_handle_t *nh, char const *headers);

/// nua_cancel with optional extra headers.
void legato_nua_cancel(nua_handle_t *nh, char const *headers);

/// Answers a request saved in an event (`legato_event.saved`) and frees it.
void legato_nua_respond_saved(nua_handle_t *nh, void *saved, int status, char const *phrase,
                              char const *content_type, char const *body, size_t body_len,
                              char const *headers);

/// NOTIFY for the implicit subscription a REFER answered 2xx created
/// (Event: refer, Content-Type: message/sipfrag, RFC 3515); `terminated`
/// nonzero sends Subscription-State: terminated and ends the subscription.
void legato_nua_notify_refer(nua_handle_t *nh, char const *sipfrag, int terminated);

/// PRACK for the reliable provisional response `rseq` to the INVITE with
/// CSeq `cseq` (RFC 3262), with optional body.
void legato_nua_prack(nua_handle_t *nh, unsigned rseq, unsigned cseq, char const *content_type,
                      char const *body, size_t body_len, char const *headers);

/// nua_update in the handle's dialog (RFC 3311), with optional body and extra headers.
void legato_nua_update(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                       char const *headers);

/// A request in the handle's dialog sent through nua_method: nua keeps it apart
/// from the session usage, so a failure response (501, 405…) is reported as
/// LEGATO_EV_R_REQUEST and nothing else. Legato's session refresh UPDATE.
void legato_nua_request(nua_handle_t *nh, char const *method, char const *headers);

/// nua_info / nua_message in the handle's dialog, with body and extra headers.
void legato_nua_info(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                     char const *headers);
void legato_nua_message(nua_handle_t *nh, char const *content_type, char const *body, size_t body_len,
                        char const *headers);

// --- su_root_yield (root_yield.c) ------------------------------------------------

/// How many times sofia called su_root_yield(), which Legato defines as a no-op
/// (see root_yield.c: the nested dispatch zeroes nta's cached clock and fires
/// server-transaction timers early). For tests and diagnostics.
unsigned long legato_root_yields_skipped(void);

// --- wire gate and socket buffers (wire_gate.c) -------------------------------

/// Decides on one datagram (`stream` 0; `data`/`len` its first bytes) or one
/// new connection (`stream` 1, no data) from `addr` (4 or 16 bytes) `port`
/// on listener `listener`. Returns 0 to let it through, nonzero to refuse it
/// without any answer. Called on the thread that reads the socket.
typedef int (*legato_wire_filter)(int listener, unsigned char const *addr, int addr_len, int port, int stream,
                                  char const *data, size_t len);
/// Installs the filter (NULL: none) for every watched descriptor.
void legato_wire_set_filter(legato_wire_filter filter);
/// From inside the filter, for the datagram being decided: sends `data` from
/// the socket it arrived on to its source (sendto, non-blocking). 0: sent.
int legato_wire_reply(char const *data, size_t len);
/// From inside the filter: the receive queue of the datagram's socket
/// (`legato_socket_queue`); when another signalling shard owns the datagram,
/// the fuller of that and the owner's inbox queue, against the smaller
/// buffer. 0: measured; -1: not inside a datagram's filter call.
int legato_wire_current_queue(int *queued, int *capacity);
/// Bytes queued for reading on `fd` (SO_MEMINFO's SK_MEMINFO_RMEM_ALLOC) and
/// the receive buffer they count against (SK_MEMINFO_RCVBUF). 0: measured.
int legato_socket_queue(int fd, int *queued, int *capacity);
/// Watches `fd` as listener `listener` (stream: 1 for a listening TCP/TLS socket); listener -1 stops.
void legato_wire_watch_fd(int fd, int listener, int stream);
/// The process's UDP sockets bound to `port` (up to `max` into `fds`); returns how many.
int legato_socket_find_udp(char const *unused, int port, int *fds, int max);
/// The process's listening stream sockets bound to `port`.
int legato_socket_find_listening(int port, int *fds, int max);
/// SO_RCVBUFFORCE (else SO_RCVBUF) and the same for sending, to `bytes`;
/// reports the sizes the kernel reports back. Returns 1 when forced.
int legato_socket_set_buffers(int fd, int bytes, int *achieved_rcv, int *achieved_snd);

// --- signalling shards (shard_router.c) ----------------------------------------

/// The most shards (processes) one listener can be shared by.
#define LEGATO_SHARD_MAX 64

/// This process is shard `index` of `count` (1: no sharding, the default).
/// Call before any listener is bound.
void legato_shard_configure(int index, int count);
/// This process's shard index and the shard count.
int legato_shard_index(void);
int legato_shard_count(void);
/// Listener sockets bound to `port` get SO_REUSEPORT (when count > 1).
void legato_shard_reuse_port(int port);
/// FNV-1a (32 bits) of `len` bytes.
unsigned int legato_shard_hash(unsigned char const *bytes, size_t len);
/// The hash of a SIP message's Call-ID value (long or compact name, any case,
/// whitespace and folding left out). 1: found.
int legato_shard_call_id_hash(char const *data, size_t len, unsigned int *hash);
/// The shard of `count` that owns the message's Call-ID; -1 when count <= 1
/// or the message has no Call-ID.
int legato_shard_owner_of(char const *data, size_t len, int count);
/// Writes a random 24-character Call-ID (NUL-terminated; `cap` >= 25) that
/// shard `index` of `count` owns. 1: written.
int legato_shard_make_call_id(char *out, size_t cap, int index, int count);
/// An inbox for this shard: a non-blocking UDP socket on 127.0.0.1 with
/// `buffer_bytes` buffers (0: default), inherited by child processes.
/// Returns the fd and its port, or -1.
int legato_shard_inbox_open(int buffer_bytes, int *port);
/// Joins listener socket `fd` to this shard's `inbox`; `ports` and `fds` hold
/// every shard's inbox port and socket for this listener (index = shard; the
/// others' sockets are only asked for their queue depth). 0: attached and
/// registered with the loop that reads `fd`.
int legato_shard_attach(int fd, int inbox, unsigned short const *ports, int const *fds, int count);
/// Undoes legato_shard_attach and closes the inbox.
void legato_shard_detach(int fd);
/// Sets FD_CLOEXEC on every open descriptor above 2 except the `count` in
/// `keep`, so that a process started next inherits only those.
void legato_cloexec_all_but(int const *keep, int count);
/// prctl(PR_SET_PDEATHSIG, signo): the process gets `signo` when its parent exits.
void legato_set_parent_death_signal(int signo);

// --- outbound digest auth and registration (shim.c, appended) ----------------

/// nua_authenticate with NUTAG_AUTH(`credentials`), "Digest:\"realm\":user:password"
/// (variadic): answers the challenge of the handle's last request, which nua sends again.
void legato_nua_authenticate(nua_handle_t *nh, char const *credentials);
/// nua_set_hparams(NUTAG_RETRY_COUNT(1)) (variadic): lets a handle that has
/// credentials answer one challenge. nua counts every send of a request and
/// handles a 401/407 only while that count is within the retry count, so the
/// agent's 0 makes every challenge final (nua_authenticate then finds nothing
/// waiting: "904 No matching challenge") and 1 allows exactly one retry.
void legato_nua_handle_allow_one_challenge(nua_handle_t *nh);
/// nua_register (variadic) to `registrar` with `expires` seconds and Contact
/// `contact` (NULL: nua's own); answers arrive as LEGATO_EV_OTHER named "nua_r_register".
void legato_nua_register(nua_handle_t *nh, char const *registrar, int expires, char const *contact);
/// nua_unregister (variadic): expires the handle's registration.
void legato_nua_unregister(nua_handle_t *nh);

// --- loop timers (loop_timer.c) ----------------------------------------

/// A one-shot timer on the su_root's own timer queue: fires on the loop
/// thread with no thread hop (no Swift Task, no dispatch timer).
typedef struct legato_timer legato_timer;
/// A stopped timer on `root`; NULL on failure. Loop thread only.
legato_timer *legato_timer_create(su_root_t *root);
/// (Re)arms the timer: `cb(arg)` runs once on the loop thread after `ms`.
int legato_timer_start(legato_timer *timer, unsigned long ms, legato_fd_callback cb, void *arg);
/// Disarms the timer (nothing happens when it is not armed).
void legato_timer_stop(legato_timer *timer);
/// Disarms and frees the timer.
void legato_timer_destroy(legato_timer *timer);

#endif
