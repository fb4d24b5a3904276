import LegatoSecurity

/// The whole validated configuration of a Legato daemon, as read from one conf file.
///
/// Built by `ConfigLoader`; every value here has already been checked, so the
/// daemon can use it without further validation.
public struct LegatoConfiguration: Sendable, Equatable {
    /// The file the configuration was read from (for log lines and errors).
    public var sourcePath: String
    /// SIP listeners. At least one.
    public var listeners: [ListenerConfig]
    /// Signalling timers and limits.
    public var signalling: SignallingConfig
    /// Media defaults (mode, later: ports and workers).
    public var media: MediaConfig
    /// Named trunks (outbound targets), by name.
    public var trunks: [String: TrunkConfig]
    /// Ordered routes; the first match wins.
    public var routes: [RouteConfig]
    /// Call detail records (`cdr:`).
    public var cdr = CDRConfig()
    /// Metrics endpoint and control socket (`admin:`).
    public var admin = AdminConfig()
    /// `security:` — scanner refusal and the per-source rate limit.
    public var security = SecurityConfig()
    /// `users:` — digest users (name → password or HA1) for sources that are not trunks.
    public var users: [String: DigestAuthenticator.Secret] = [:]
    /// What `check-config` warns about (file:line:key), in file order.
    public var warnings: [ConfigError] = []

    /// A configuration from already validated parts (the loader and tests build these).
    public init(sourcePath: String, listeners: [ListenerConfig], signalling: SignallingConfig,
                media: MediaConfig, trunks: [String: TrunkConfig], routes: [RouteConfig]) {
        self.sourcePath = sourcePath
        self.listeners = listeners
        self.signalling = signalling
        self.media = media
        self.trunks = trunks
        self.routes = routes
    }
}

/// A SIP transport protocol Legato can listen on or send with.
public enum SIPTransport: String, Sendable, Equatable, CaseIterable {
    case udp, tcp, tls
}

/// One listening socket set: an address and port with one or more transports.
public struct ListenerConfig: Sendable, Equatable {
    /// Literal IPv4 or IPv6 address (no brackets), or `0.0.0.0` / `::`.
    public var address: String
    /// Port for udp and tcp; default 5060. For a TLS-only listener the loader sets it to `tlsPort`
    /// (and rejects an explicit `port`, which would be ignored).
    public var port: Int
    /// Transports bound on that address and port. `tls` requires `tlsCertificate` and `tlsKey`.
    public var transports: [SIPTransport]
    /// PEM certificate file for TLS.
    public var tlsCertificate: String?
    /// PEM private key file for TLS.
    public var tlsKey: String?
    /// Port for TLS when `tls` is among the transports (default 5061).
    public var tlsPort: Int
    /// SRTP policy for relayed calls arriving on this listener (default optional).
    public var srtp: SRTPPolicy
    /// The X- header of inbound INVITEs whose value becomes the call's customData (nil: none).
    public var customDataHeader: String?
    /// `allow_from`: when not empty, only these sources get any answer on this listener.
    public var allowFrom: [CIDR] = []
    /// `deny_from`: sources that get no answer at all on this listener.
    public var denyFrom: [CIDR] = []

    /// A listener with the defaults above: port 5060, udp and tcp, TLS port 5061,
    /// SRTP optional, no customData header.
    public init(address: String, port: Int = 5060, transports: [SIPTransport] = [.udp, .tcp],
                tlsCertificate: String? = nil, tlsKey: String? = nil, tlsPort: Int = 5061,
                srtp: SRTPPolicy = .optional) {
        self.srtp = srtp
        self.address = address
        self.port = port
        self.transports = transports
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.tlsPort = tlsPort
    }

    /// True when `address` is an IPv6 literal.
    public var isIPv6: Bool { address.contains(":") }
}

/// How a relay leg treats SRTP (SDES, RFC 4568). Legato terminates SRTP per
/// leg, so each leg's policy is independent of the other's.
public enum SRTPPolicy: String, Sendable, Equatable, CaseIterable {
    /// Inbound: an offer without a usable `a=crypto` line is refused with 488.
    /// Outbound: Legato offers `RTP/SAVP` with crypto lines and hangs up a
    /// callee that answers without one.
    case required
    /// Inbound: SRTP when the offer has a usable crypto line (`RTP/SAVP` or
    /// best-effort `RTP/AVP` + crypto), plain RTP otherwise. Outbound: Legato
    /// offers best-effort `RTP/AVP` with crypto lines and accepts either answer.
    case optional
    /// Plain RTP only: crypto lines are ignored; an `RTP/SAVP` offer is refused
    /// with 488. Outbound offers carry no crypto.
    case off
}

/// Signalling timers and limits.
public struct SignallingConfig: Sendable, Equatable {
    /// Seconds an outbound leg may ring before it is cancelled and the inbound leg fails (480).
    public var noAnswerTimeout: Double
    /// Seconds existing calls may go on after SIGTERM before they are hung up.
    public var shutdownGrace: Double
    /// Value of the User-Agent / Server header.
    public var userAgent: String
    /// Most calls (inbound legs) alive at once; more get 503. 0 = no limit.
    public var maxCalls: Int
    /// Milliseconds the signalling loop may lag behind before new calls get
    /// 503 (overload shedding, so a flood degrades instead of collapsing into
    /// retransmissions). 0 turns shedding off.
    public var overloadLagMilliseconds: Int

    /// Seconds an inbound call may stay in early media (183 sent) without an
    /// answer before it fails with 408 (VoxEngine's 60 s early-media limit).
    public var earlyMediaTimeout: Double
    /// RFC 4028 session interval in seconds, per leg (0 = off). Legato
    /// refreshes (UPDATE without body) on legs where it is the refresher, and
    /// ends both legs when the remote refresher lets a leg expire.
    public var sessionTimer: Int = 1800
    /// RFC 4028 Min-SE: the shortest session interval Legato accepts.
    public var sessionMinSE: Int = 90
    /// `udp_buffer`: bytes asked for each SIP UDP socket's receive and send
    /// buffers (SO_RCVBUFFORCE when permitted, else SO_RCVBUF); 0 keeps the system's.
    public var udpBuffer: Int = 8_388_608
    /// `overload_queue_bytes`: while more bytes than this wait in a SIP UDP
    /// socket's receive queue, new INVITEs get a stateless 503 with
    /// `Retry-After` from the wire gate (capped at half the granted receive
    /// buffer); 0 turns it off.
    public var overloadQueueBytes: Int = 4_194_304
    /// `shards`: signalling processes sharing the listeners (1: one process,
    /// the default). Each runs its own sofia loop and owns the dialogs whose
    /// Call-ID hashes to it; see `LegatoConfiguration.forShard(_:of:)` for how
    /// limits and media ports are shared out.
    public var shards: Int = 1
    /// The most `shards` the conf accepts.
    public static let maxShards = 64

    /// Signalling settings with the conf defaults; `sessionTimer` (1800 s) and
    /// `sessionMinSE` (90 s) are set separately.
    public init(noAnswerTimeout: Double = 60, shutdownGrace: Double = 30, userAgent: String = "Legato",
                maxCalls: Int = 0, overloadLagMilliseconds: Int = 200, earlyMediaTimeout: Double = 60) {
        self.earlyMediaTimeout = earlyMediaTimeout
        self.noAnswerTimeout = noAnswerTimeout
        self.shutdownGrace = shutdownGrace
        self.userAgent = userAgent
        self.maxCalls = maxCalls
        self.overloadLagMilliseconds = overloadLagMilliseconds
    }
}

/// How a bridged call's media is handled.
public enum MediaMode: String, Sendable, Equatable {
    /// SDP passed through unchanged; media flows between the endpoints (`answerDirect`).
    case direct
    /// Media anchored and relayed through Legato (`answer`).
    case relay
}

/// Media defaults.
public struct MediaConfig: Sendable, Equatable {
    /// Mode used by routes that do not name one.
    public var mode: MediaMode
    /// Address relay sockets bind and Legato's SDP announces (relay mode).
    public var address: String
    /// Ports for relay RTP/RTCP pairs (RTP even, RTCP = RTP + 1).
    public var portRange: ClosedRange<Int>
    /// Media worker threads; 0 = cores − 1 (at least 1).
    public var workers: Int
    /// Seconds without RTP/RTCP from a relayed leg before RtpStopped fires.
    public var rtpTimeout: Double
    /// Seconds without RTP/RTCP from a relayed leg before both legs are hung up; 0 = never.
    public var rtpHangupTimeout: Double
    /// After a relay leg latched onto a source, follow a new source (e.g. a
    /// NAT rebinding) instead of dropping its packets. Off by default.
    public var allowRelatch: Bool
    /// ICE on relay legs (`media.ice`): removed (default) or ICE-lite.
    public var ice: ICEMode
    /// Where `record: true` routes write their files (`media.recordings`).
    public var recordings = "/var/lib/legato/recordings"
    /// The recordings' format (`media.record_format`).
    public var recordFormat = RecordFileFormat.wav

    /// Media settings with the conf defaults: direct mode on 127.0.0.1, ports
    /// 30000–39999, RTP timeout 7 s, hang-up after 60 s, no relatching, ICE removed.
    public init(mode: MediaMode = .direct, address: String = "127.0.0.1",
                portRange: ClosedRange<Int> = 30000...39999, workers: Int = 0,
                rtpTimeout: Double = 7, rtpHangupTimeout: Double = 60, allowRelatch: Bool = false,
                ice: ICEMode = .remove) {
        self.ice = ice
        self.allowRelatch = allowRelatch
        self.mode = mode
        self.address = address
        self.portRange = portRange
        self.workers = workers
        self.rtpTimeout = rtpTimeout
        self.rtpHangupTimeout = rtpHangupTimeout
    }
}

/// A recording's file format (`media.record_format`).
public enum RecordFileFormat: String, Sendable, Equatable, CaseIterable {
    case wav
    case flac
    /// MPEG layer III, 8 kHz at 32 kbit/s.
    case mp3
}

/// Which X-headers may cross from one leg to the other. Patterns are regular
/// expressions matched case-insensitively against the header *name*.
public struct HeaderPolicy: Sendable, Equatable {
    /// A header crosses only if it matches one of these (default: `^X-`).
    public var allow: [String]
    /// ... and none of these (default: none). Deny wins over allow.
    public var deny: [String]
    /// The rules for the other direction (`from_trunk`): X-headers the
    /// trunk's side sends back (18x/2xx/failure responses, BYE, INFO,
    /// MESSAGE). nil: `allow`/`deny` apply both ways.
    public var fromTrunk: HeaderRules?

    /// A policy; by default X-headers cross both ways.
    public init(allow: [String] = ["^X-"], deny: [String] = [], fromTrunk: HeaderRules? = nil) {
        self.allow = allow
        self.deny = deny
        self.fromTrunk = fromTrunk
    }
}

/// Allow/deny patterns for one direction of a `HeaderPolicy`.
public struct HeaderRules: Sendable, Equatable {
    /// A header crosses only if its name matches one of these (default: `^X-`).
    public var allow: [String]
    /// ... and none of these (default: none). Deny wins over allow.
    public var deny: [String]

    /// Rules; by default every X-header crosses.
    public init(allow: [String] = ["^X-"], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }
}

/// An outbound target: where bridged calls are sent.
public struct TrunkConfig: Sendable, Equatable {
    /// The trunk's key under `trunks`, as routes name it.
    public var name: String
    /// Base SIP URI, e.g. `sip:127.0.0.1:5080`. Its user part, if any, is replaced by the route's user.
    public var uri: String
    /// Transport for the outbound leg (default udp; tls for `sips:` URIs, which allow nothing else).
    public var transport: SIPTransport
    /// X-header policy for INVITEs sent to this trunk.
    public var headers: HeaderPolicy
    /// SRTP policy for relayed calls sent to this trunk (default off: plain RTP).
    public var srtp: SRTPPolicy
    /// The X- header that carries the call's customData on INVITEs to this trunk (nil: none).
    public var customDataHeader: String?
    /// `sources`: requests from these blocks are this trunk's (no auth, exempt from the rate limit).
    public var sources: [CIDR] = []
    /// `username` / `password`: Legato answers one 401/407 from the trunk with these (digest).
    public var username: String?
    /// See `username`.
    public var password: String?
    /// `realm`: the realm to answer; nil answers the challenge's.
    public var realm: String?
    /// `register`: keep a registration with the trunk alive (needs `username`/`password`).
    public var register = false
    /// `register_expires`: seconds asked for in each REGISTER (default 3600).
    public var registerExpires = 3600
    /// `srtp_over_plaintext`: SDES keys may be sent to this trunk over a
    /// transport other than TLS (default false: an SRTP offer towards it is refused).
    public var srtpOverPlaintext = false
    /// `max_calls`: most calls bridged to this trunk at once; more get 503 (0: no limit).
    public var maxCalls = 0
    /// `max_cps`: most new calls to this trunk per second; more get 503 (0: no limit).
    public var maxCPS = 0

    /// A trunk over udp with the default header policy, plain RTP and no customData header.
    public init(name: String, uri: String, transport: SIPTransport = .udp, headers: HeaderPolicy = HeaderPolicy(),
                srtp: SRTPPolicy = .off) {
        self.srtp = srtp
        self.name = name
        self.uri = uri
        self.transport = transport
        self.headers = headers
    }
}

/// Conditions a route matches on; all given conditions must hold. None given matches everything.
public struct RouteMatch: Sendable, Equatable {
    /// Regex on the request-URI user part (the dialed number).
    public var requestUser: String?
    /// Regex on the From URI user part (the caller id).
    public var fromUser: String?
    /// Header name → regex on that header's value (header absent = no match).
    public var headers: [String: String]

    /// Conditions; none given matches every call.
    public init(requestUser: String? = nil, fromUser: String? = nil, headers: [String: String] = [:]) {
        self.requestUser = requestUser
        self.fromUser = fromUser
        self.headers = headers
    }
}

/// What a matched route does.
public enum RouteAction: Sendable, Equatable {
    /// Bridge to a trunk.
    case bridge(Bridge)
    /// Reject with a final status (300–699) and optional reason phrase.
    case reject(code: Int, reason: String?)
    /// Answer with media anchored in Legato and send the caller's media
    /// back to it (a test service; needs the media engine).
    case echo
    /// Answer (media anchored in Legato), play a sound file or speak a text,
    /// then hang up or bridge (`action: play` / `action: say`).
    case announce(Announcement)

    /// What an announcement route plays and does afterwards.
    public struct Announcement: Sendable, Equatable {
        /// What is played.
        public enum Content: Sendable, Equatable {
            /// `action: play`, `file:` (a path or file:// URL).
            case file(String)
            /// `action: say`, `text:` spoken with `voice:` (espeak-ng).
            case speech(text: String, voice: String)
        }
        /// After the prompt (`then:`).
        public enum Then: Sendable, Equatable {
            case hangup
            /// Bridge with the route's `trunk`/`user` (as for `action: bridge`, relay mode).
            case bridge(Bridge)
        }
        public var content: Content
        public var then: Then

        public init(content: Content, then: Then) {
            self.content = content
            self.then = then
        }
    }

    /// What a `bridge` route does: the trunk, media mode and per-route options.
    public struct Bridge: Sendable, Equatable {
        /// Name of the trunk (must exist in `trunks`).
        public var trunk: String
        /// Media mode for this route (defaults to `media.mode`).
        public var mode: MediaMode
        /// Template for the outbound request-URI user: `${user}` is the dialed user,
        /// `$1`…`$9` capture groups of `match.ruri_user`. Default `${user}`.
        public var user: String
        /// Route-level X-header policy; replaces the trunk's when set.
        public var headers: HeaderPolicy?
        /// Per-route no-answer timeout, replacing `signalling.no_answer_timeout`.
        public var noAnswerTimeout: Double?
        /// A REFER from either side is a blind transfer Legato carries out
        /// (`handleBlindTransfer(true)` on both legs); otherwise REFER gets 603.
        public var blindTransfer: Bool
        /// Digits from either side are reported (ToneReceived, logged as
        /// `call.tone`) and, on relay legs, removed from the relayed audio
        /// instead of passed through (`handleTones(true)` on both legs).
        public var handleTones: Bool
        /// DTMF digits sent to the callee once it answers (0-9 * # A-D, `p` =
        /// 500 ms pause): RFC 4733 on relay legs with telephone-event, else
        /// SIP INFO `application/dtmf-relay` (like Asterisk Dial's `D` option).
        public var digitsAfterAnswer: String?
        /// Relay mode only: once both legs are connected (the caller ACKed),
        /// media moves off Legato to go endpoint to endpoint (re-INVITEs to
        /// both sides; the relay ports are released).
        public var directAfterAnswer: Bool
        /// Relay mode only: record the call (stereo, caller left) into `media.recordings`.
        public var record = false
        /// Relay mode only: while the callee rings without early media, the
        /// caller hears this country's ringback (`ringback: US`).
        public var ringback: String?
        /// `fallback: next`: when the trunk's `max_calls`/`max_cps` refuses
        /// the call, the next matching route is tried instead of answering 503.
        public var fallbackNext = false
        /// `transfer_targets`: regexes on the Refer-To URI (without `<>` and URI
        /// headers) a blind transfer may dial; a REFER to any other target gets
        /// 403 and nothing is dialled. Empty: no target allowed.
        public var transferTargets: [String]
        /// `deny`: regexes on the outbound request-URI user (after `user`
        /// expansion); a call to a matching destination gets 403 and nothing is dialled.
        public var deny: [String]

        /// A bridge that keeps the dialed user, the trunk's header policy and the
        /// global no-answer timeout, with every option off.
        public init(trunk: String, mode: MediaMode, user: String = "${user}", headers: HeaderPolicy? = nil,
                    noAnswerTimeout: Double? = nil, blindTransfer: Bool = false, handleTones: Bool = false,
                    digitsAfterAnswer: String? = nil, directAfterAnswer: Bool = false, transferTargets: [String] = [],
                    deny: [String] = []) {
            self.transferTargets = transferTargets
            self.deny = deny
            self.digitsAfterAnswer = digitsAfterAnswer
            self.directAfterAnswer = directAfterAnswer
            self.blindTransfer = blindTransfer
            self.handleTones = handleTones
            self.trunk = trunk
            self.mode = mode
            self.user = user
            self.headers = headers
            self.noAnswerTimeout = noAnswerTimeout
        }
    }
}

/// One ordered route.
public struct RouteConfig: Sendable, Equatable {
    /// Unique among routes; `route-N` (1-based position) when the conf gives none.
    public var name: String
    /// When the route applies.
    public var match: RouteMatch
    /// What it does with a matching call.
    public var action: RouteAction

    /// A route from its parts.
    public init(name: String, match: RouteMatch, action: RouteAction) {
        self.name = name
        self.match = match
        self.action = action
    }
}
