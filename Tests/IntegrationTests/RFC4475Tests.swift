import Foundation
import Testing

// RFC 4475 ("SIP Torture Test Messages", May 2006), section 3: what an
// element must do with each message, sent as one UDP datagram to Legato.
// The messages are /work/shared/testdata/rfc4475/*.dat (byte-exact; see its
// README.md); TortureRewriter points their Via headers at the test's socket
// and every other host at 127.0.0.1 first.
//
// Legato's role: a UAS for OPTIONS, REGISTER and other non-INVITE requests
// (it is not a registrar), a B2BUA for INVITE. The test conf bridges every
// INVITE (ruri_user ".*") to a trunk whose callee is a test socket answering
// 486, so an INVITE processed normally ends with the callee's 486 relayed
// to the caller ("forwarded"), and one that must not be processed must
// never reach that socket.
//
// Each case's expectation is the RFC's text for that message (quoted in the
// comments). Where the RFC lets an element either reject (400) or be liberal
// ("may ignore …"), both are accepted, with the RFC's condition on what a
// forwarding element sends: 3.1.2.7 TC_LTGTRURI_I, 3.1.2.9 TC_LWSSTART_V,
// 3.1.2.10 TC_TRWS_I, 3.1.2.11 TC_ESCRURI_V, 3.1.2.12 TC_BADDATE_V,
// 3.1.2.13 TC_REGBADCT_I, 3.1.2.14 TC_BADASPEC_I, 3.1.2.15 TC_BADDN_I. (The
// README's one-line summary of 3.1.2, "400 or drop, never forward", is
// stricter than the RFC's text for these eight.) Methods Legato does not
// serve get what RFC 3261 gives a UAS: 405 or 501 (8.2.1, 21.5.2), and a
// REGISTER, Legato being no registrar, a rejection (405 as 3.3.7 suggests).

/// The RFC 4475 section 3 table.
enum RFC4475 {
    static let directory = Paths.sharedDirectory.appendingPathComponent("testdata/rfc4475")
    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("README.md").path)
    }

    /// A REGISTER to an element that is not a registrar: "Endpoints choosing
    /// not to act as registrars will simply reject the request. A 405 Method
    /// Not Allowed is appropriate." (3.3.7); 501, 403 and 404 are rejections too.
    static let notRegistrar: Set<Int> = [403, 404, 405, 501]
    /// An unknown method at a UAS: 501 (RFC 3261 21.5.2), or 405.
    static let unknownMethod: Set<Int> = [405, 501]
    /// A valid INVITE bridged to the test callee, which answers 486.
    static let relayedBusy: Set<Int> = [486]

    static let cases: [TortureCase] = [
        // 3.1.1 Valid messages: parse and process normally.
        // 3.1.1.1: the To tag names a dialog Legato does not know: RFC 3261 12.2.2
        // lets a UAS reject it (481) or accept it.
        TortureCase(file: "TC_WSINV", section: "3.1.1.1", title: "A Short Tortuous INVITE",
                    finals: [481, 486], silenceAllowed: false, forwarding: .allowed),
        // A valid request with an unknown method: a UAS answers 501 or 405 (RFC 3261 8.2.1).
        TortureCase(file: "TC_INTMETH", section: "3.1.1.2", title: "Wide Range of Valid Characters",
                    finals: unknownMethod, silenceAllowed: false, forwarding: .never,
                    knownIssue: "sofia-sip 1.12.11's parser rejects the legal method token "
                        + "!interesting-Method0123456789_*+`.%indeed'~ ('nta_agent: received garbage') "
                        + "and drops the request unanswered; the same request with method FOO gets 501"),
        TortureCase(file: "TC_ESC01_V", section: "3.1.1.3", title: "Valid Use of the % Escaping Mechanism",
                    finals: relayedBusy, silenceAllowed: false, forwarding: .required),
        TortureCase(file: "TC_ESCNULL_V", section: "3.1.1.4", title: "Escaped Nulls in URIs",
                    finals: notRegistrar, silenceAllowed: false, forwarding: .never),
        // "An endpoint would reject this message with a 501."
        TortureCase(file: "TC_ESC02_V", section: "3.1.1.5", title: "Use of % When It Is Not an Escape",
                    finals: unknownMethod, silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_LWSDISP_V", section: "3.1.1.6", title: "Message with No LWS between Display Name and <",
                    finals: [200], silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_LONGREQ_V", section: "3.1.1.7", title: "Long Values in Header Fields",
                    finals: relayedBusy, silenceAllowed: false, forwarding: .required),
        // "handle the REGISTER request normally and ignore the extra bits that look like an INVITE"
        TortureCase(file: "TC_DBLREQ", section: "3.1.1.8", title: "Extra Trailing Octets in a UDP Datagram",
                    finals: notRegistrar, silenceAllowed: false, forwarding: .never,
                    checks: [.noResponseToCallID("dblreq.0ha0isnda977644900765@192.0.2.15")]),
        TortureCase(file: "TC_SEMIURI_V", section: "3.1.1.9", title: "Semicolon-Separated Parameters in URI User Part",
                    finals: [200], silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_TRANSPORTS_V", section: "3.1.1.10", title: "Varied and Unknown Transport Types",
                    finals: [200], silenceAllowed: false, forwarding: .never),
        // MESSAGE is not a method Legato serves outside a dialog: any rejection but 400.
        TortureCase(file: "TC_MPART01", section: "3.1.1.11", title: "Multipart MIME Message",
                    finals: [200, 202, 403, 404, 405, 415, 501], silenceAllowed: false, forwarding: .never),
        // Responses matching no transaction are dropped (RFC 3261 18.1.2).
        TortureCase(file: "TC_UNREASON_V", section: "3.1.1.12", title: "Unusual Reason Phrase",
                    finals: [], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_NOREASON_V", section: "3.1.1.13", title: "Empty Reason Phrase",
                    finals: [], silenceAllowed: true, forwarding: .never),

        // 3.1.2 Invalid messages: 400 (505 for the version) where a response
        // can be routed, else drop; never forward. "Liberal" cases as the RFC allows.
        TortureCase(file: "TC_BADINV01_I", section: "3.1.2.1", title: "Extraneous Header Field Separators",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_CLERR_I", section: "3.1.2.2", title: "Content Length Larger Than Message",
                    finals: [400], silenceAllowed: true, forwarding: .never, keepContentLength: true),
        TortureCase(file: "TC_NCL_I", section: "3.1.2.3", title: "Negative Content-Length",
                    finals: [400], silenceAllowed: true, forwarding: .never, keepContentLength: true),
        TortureCase(file: "TC_SCALAR02_V", section: "3.1.2.4", title: "Request Scalar Fields with Overlarge Values",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_SCALARLG_V", section: "3.1.2.5", title: "Response Scalar Fields with Overlarge Values",
                    finals: [], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_QUOTBAL_I", section: "3.1.2.6", title: "Unterminated Quoted String in Display Name",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        // "reasonable always to reject … with 400 … may choose to ignore the brackets.
        // If the element forwards the request, it must not include the brackets"
        TortureCase(file: "TC_LTGTRURI_I", section: "3.1.2.7", title: "<> Enclosing Request-URI",
                    finals: [400, 486], silenceAllowed: true, forwarding: .allowed, checks: [.forwardedURIHasNoBrackets]),
        TortureCase(file: "TC_LWSRURI_I", section: "3.1.2.8", title: "Malformed SIP Request-URI (embedded LWS)",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        // "acceptable to reject … may ignore these extra SP characters"
        TortureCase(file: "TC_LWSSTART_V", section: "3.1.2.9", title: "Multiple SP Separating Request-Line Elements",
                    finals: [400, 486], silenceAllowed: true, forwarding: .allowed),
        TortureCase(file: "TC_TRWS_I", section: "3.1.2.10", title: "SP Characters at End of Request-Line",
                    finals: [400, 200], silenceAllowed: true, forwarding: .never),
        // "acceptable … to reject … with a 400 … could choose to … ignore the escaped headers"
        TortureCase(file: "TC_ESCRURI_V", section: "3.1.2.11", title: "Escaped Headers in SIP Request-URI",
                    finals: [400, 486], silenceAllowed: true, forwarding: .allowed, checks: [.forwardedURIHasNoHeaders]),
        // "acceptable to reject … could ignore this value altogether"
        TortureCase(file: "TC_BADDATE_V", section: "3.1.2.12", title: "Invalid Time Zone in Date Header Field",
                    finals: [400, 486], silenceAllowed: true, forwarding: .allowed),
        // "reasonable … to respond with a 400 … could infer the angle brackets"
        TortureCase(file: "TC_REGBADCT_I", section: "3.1.2.13", title: "Failure to Enclose name-addr URI in <>",
                    finals: notRegistrar.union([400]), silenceAllowed: true, forwarding: .never),
        // "reasonable to reject … with a 400 … may ignore the spaces"
        TortureCase(file: "TC_BADASPEC_I", section: "3.1.2.14", title: "Spaces within addr-spec",
                    finals: [400, 200], silenceAllowed: true, forwarding: .never),
        // (The file has no empty line after the headers, so it is also incomplete.)
        TortureCase(file: "TC_BADDN_I", section: "3.1.2.15", title: "Non-token Characters in Display Name",
                    finals: [400, 200], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_BADVERS_V", section: "3.1.2.16", title: "Unknown Protocol Version",
                    finals: [505], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_MISMATCH01_V", section: "3.1.2.17", title: "Start Line and CSeq Method Mismatch",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        // "should respond with a 501 … A 400 Bad Request is also acceptable"
        TortureCase(file: "TC_MISMATCH02_V", section: "3.1.2.18", title: "Unknown Method with CSeq Method Mismatch",
                    finals: [501, 400], silenceAllowed: true, forwarding: .never),
        TortureCase(file: "TC_BIGCODE_V", section: "3.1.2.19", title: "Overlarge Response Code",
                    finals: [], silenceAllowed: true, forwarding: .never),

        // 3.2 Transaction layer: "could reject the request with a 400 … or fall back
        // to the RFC 2543-style transaction identifier".
        TortureCase(file: "TC_BADBRANCH_V", section: "3.2.1", title: "Missing Transaction Identifier",
                    finals: [400, 200], silenceAllowed: false, forwarding: .never),

        // 3.3 Application layer, Legato being the UAS.
        // "must not break … Ideally, it will respond with a 400"
        TortureCase(file: "TC_INSUF_I", section: "3.3.1", title: "Missing Required Header Fields",
                    finals: [400], silenceAllowed: true, forwarding: .never, keepContentLength: true),
        TortureCase(file: "TC_UNKSCM_V", section: "3.3.2", title: "Request-URI with Unknown Scheme",
                    finals: [416], silenceAllowed: false, forwarding: .never),
        // "treat it as unknown and return a 416 … If the element might accept some URIs with this scheme, 404"
        TortureCase(file: "TC_NOVELSC_V", section: "3.3.3", title: "Request-URI with Known but Atypical Scheme",
                    finals: [416, 404], silenceAllowed: false, forwarding: .never),
        // "A registrar would reject this request with a 400"; Legato is no registrar.
        TortureCase(file: "TC_UNKSM2_V", section: "3.3.4", title: "Unknown URI Schemes in Header Fields",
                    finals: notRegistrar.union([400, 416]), silenceAllowed: false, forwarding: .never),
        // "Any element receiving this request will respond with a 420 … containing an
        // Unsupported header field listing these features" (the Require ones, as a UAS).
        TortureCase(file: "TC_BEXT01_V", section: "3.3.5", title: "Proxy-Require and Require",
                    finals: [420], silenceAllowed: false, forwarding: .never,
                    checks: [.unsupportedListsRequire(["nothingSupportsThis", "nothingSupportsThisEither"])]),
        // "An endpoint receiving this request would reject it with a 415"
        TortureCase(file: "TC_INVUT_V", section: "3.3.6", title: "Unknown Content-Type",
                    finals: [415], silenceAllowed: false, forwarding: .never, checks: [.acceptListsSDP]),
        // "Endpoints choosing not to act as registrars will simply reject the request.
        // A 405 Method Not Allowed is appropriate." (a registrar could also 401)
        TortureCase(file: "TC_REGAUT01_V", section: "3.3.7", title: "Unknown Authorization Scheme",
                    finals: notRegistrar.union([401]), silenceAllowed: false, forwarding: .never),
        // "An element receiving this request would respond with a 400 Bad Request error."
        TortureCase(file: "TC_MULTI01_I", section: "3.3.8", title: "Multiple Values in Single Value Required Fields",
                    finals: [400], silenceAllowed: true, forwarding: .never),
        // "should respond with an error … over UDP … the remainder of the datagram can simply be discarded"
        TortureCase(file: "TC_MCL01_I", section: "3.3.9", title: "Multiple Content-Length Values",
                    finals: [400], silenceAllowed: true, forwarding: .never, keepContentLength: true),
        // "An endpoint receiving this message should simply discard it."
        TortureCase(file: "TC_BCAST_V", section: "3.3.10", title: "200 OK Response with Broadcast Via Header Field Value",
                    finals: [], silenceAllowed: true, forwarding: .never),
        // "A proxy should … respond 483 … An endpoint should process the request as if
        // the Max-Forwards field value were still positive." (OPTIONS: Legato is the endpoint)
        TortureCase(file: "TC_ZEROMF_V", section: "3.3.11", title: "Max-Forwards of Zero",
                    finals: [200, 483], silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_CPARAM01_V", section: "3.3.12", title: "REGISTER with a Contact Header Parameter",
                    finals: notRegistrar, silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_CPARAM02_V", section: "3.3.13", title: "REGISTER with a url-parameter",
                    finals: notRegistrar, silenceAllowed: false, forwarding: .never),
        TortureCase(file: "TC_REGESCRT_V", section: "3.3.14", title: "REGISTER with a URL Escaped Header",
                    finals: notRegistrar, silenceAllowed: false, forwarding: .never),
        // "could respond with a 406 Not Acceptable … also appropriate to respond with a 400";
        // a B2BUA passing it on must not answer with an SDP body the caller does not accept.
        TortureCase(file: "TC_SDP01_V", section: "3.3.15", title: "Unacceptable Accept Offering",
                    finals: [406, 400, 486], silenceAllowed: false, forwarding: .allowed, checks: [.noSDPInFinalResponse]),

        // 3.4 Backward compatibility: "should be accepted by RFC 3261 elements that
        // want to maintain backwards compatibility".
        TortureCase(file: "TC_INV2543_I", section: "3.4.1", title: "INVITE with RFC 2543 Syntax",
                    finals: relayedBusy, silenceAllowed: false, forwarding: .required),

        // Not in RFC 4475 (ETSI corpus): malformed (no SIP-Version, no Via): reject or drop.
        TortureCase(file: "TC_TEST_I", section: "-", title: "Malformed Request-Line and header fields",
                    finals: [400], silenceAllowed: true, forwarding: .never),
    ]

    static func message(_ file: String) throws -> [UInt8] {
        let path = directory.appendingPathComponent("\(file).dat").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// The conf: every INVITE user goes to the trunk `torture` (the test's
    /// callee socket on `ports.spare`); `1000` goes to a sipp callee on
    /// `ports.uas` (for the call after the whole set).
    static func conf(_ ports: PortBlock) -> LegatoConf {
        LegatoConf(
            port: ports.legato,
            trunks: [
                .init(name: "local", uri: "sip:127.0.0.1:\(ports.uas)"),
                .init(name: "torture", uri: "sip:127.0.0.1:\(ports.spare)"),
            ],
            routes: [
                .init(name: "call-check", ruriUser: "^1000$", action: .bridge(trunk: "local")),
                .init(name: "everything", ruriUser: ".*", action: .bridge(trunk: "torture")),
            ])
    }
}

extension Integration {
    @Suite("RFC 4475 torture messages", .enabled(if: RFC4475.available,
        "RFC 4475 messages not found: <package root>/../shared/testdata/rfc4475 is missing"))
    struct RFC4475Tests {
        @Test("each torture message gets the RFC's answer from a fresh daemon, which keeps serving",
              .serialized, arguments: RFC4475.cases)
        func tortureMessage(_ torture: TortureCase) async throws {
            let test = try TestContext("rfc4475-\(torture.file)")
            let original = try RFC4475.message(torture.file)
            let trunk = try UDPSocket(port: test.ports.spare)
            let caller = try UDPSocket()
            let message = TortureRewriter.rewrite(original, callerPort: caller.port,
                                                  keepContentLength: torture.keepContentLength)
            try Data(message).write(to: test.artifacts.directory.appendingPathComponent("\(torture.file).sent"))
            let foreign = TortureRewriter.foreignHosts(in: message, includeBody: !torture.keepContentLength)
            try #require(foreign.isEmpty, "rewritten message still names \(foreign); not sent")

            let exchange = try await withLegato(RFC4475.conf(test.ports), artifacts: test.artifacts) { legato in
                // Wait for a final response only where one is required.
                let window: Duration = torture.silenceAllowed ? .milliseconds(1200) : .seconds(3)
                let exchange = try TortureExchange.run(sending: message, from: caller, to: legato.port,
                                                       trunk: trunk, window: window)
                #expect(legato.isRunning, "legato died on \(torture.file); log \(legato.logPath)")
                let probe = try UDPSocket()
                #expect(try TortureExchange.optionsAnswered200(from: probe, legatoPort: legato.port),
                        "legato no longer answers OPTIONS after \(torture.file); log \(legato.logPath)")
                return exchange
            }
            try record(exchange, test: test)
            if let known = torture.knownIssue {
                withKnownIssue(Comment(rawValue: known)) { torture.verify(exchange) }
            } else {
                torture.verify(exchange)
            }
        }

        @Test("all torture messages to one daemon: OPTIONS answered after each, then a normal call works")
        func allTortureMessagesThenACall() async throws {
            let test = try TestContext()
            let trunk = try UDPSocket(port: test.ports.spare)
            var sent: [String] = []
            let call = try await withLegato(RFC4475.conf(test.ports), artifacts: test.artifacts) { legato in
                for torture in RFC4475.cases {
                    let caller = try UDPSocket()
                    let message = TortureRewriter.rewrite(try RFC4475.message(torture.file), callerPort: caller.port,
                                                          keepContentLength: torture.keepContentLength)
                    guard TortureRewriter.foreignHosts(in: message, includeBody: !torture.keepContentLength).isEmpty else {
                        continue
                    }
                    _ = try TortureExchange.run(sending: message, from: caller, to: legato.port, trunk: trunk,
                                                window: .milliseconds(400), settle: .milliseconds(50))
                    sent.append(torture.file)
                    let probe = try UDPSocket()
                    let alive = try TortureExchange.optionsAnswered200(from: probe, legatoPort: legato.port)
                    #expect(alive, "no 200 to OPTIONS after \(torture.file); log \(legato.logPath)")
                    if !alive { break }
                }
                return try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
            }
            #expect(sent.count == RFC4475.cases.count, "sent only \(sent.count): \(sent)")
            expectSuccess(call.uac)
            expectSuccess(call.uas)
        }

        /// Writes what came back next to the sent message, for reading a failure.
        private func record(_ exchange: TortureExchange, test: TestContext) throws {
            let text = (exchange.toCaller.map { "to caller:\n\($0.raw)" } + exchange.toTrunk.map { "to trunk:\n\($0.raw)" })
                .joined(separator: "\n----\n")
            _ = try test.artifacts.write(text, to: "received.txt")
        }
    }
}
