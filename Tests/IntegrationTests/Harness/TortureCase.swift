import Testing

/// What an element must do with one RFC 4475 message.
struct TortureCase: Sendable, CustomTestStringConvertible {
    enum Forwarding: Sendable {
        /// Must reach the callee (the caller then gets its 486).
        case required
        /// May reach the callee (liberal processing the RFC allows).
        case allowed
        /// Must never reach the callee.
        case never
    }

    /// Extra conditions from the RFC.
    enum Check: Sendable {
        /// 420 must list the unknown Require options in Unsupported (RFC 3261 8.2.2.3).
        case unsupportedListsRequire([String])
        /// 415 must say what is accepted (RFC 3261 8.2.3, 21.4.13).
        case acceptListsSDP
        /// A forwarded INVITE's request-URI carries no "<" ">" (3.1.2.7).
        case forwardedURIHasNoBrackets
        /// A forwarded INVITE carries neither the escaped headers nor a Route built from them (3.1.2.11).
        case forwardedURIHasNoHeaders
        /// A response must not be to the trailing INVITE octets (3.1.1.8).
        case noResponseToCallID(String)
        /// A final response without an SDP body (the caller accepts only text/nobodyKnowsThis, 3.3.15).
        case noSDPInFinalResponse
    }

    let file: String
    let section: String
    let title: String
    /// Final status codes the RFC allows (empty: no response at all, for responses sent to Legato).
    let finals: Set<Int>
    /// No response at all is acceptable too (invalid messages "drop otherwise").
    let silenceAllowed: Bool
    let forwarding: Forwarding
    /// Content-Length is the point of the test: keep it (and the body) as in the file.
    var keepContentLength = false
    var checks: [Check] = []
    /// A known, documented deviation (the RFC assertion still runs, as a known issue).
    var knownIssue: String? = nil

    var testDescription: String { "\(section) \(file) (\(title))" }
    var isResponse: Bool { finals.isEmpty }
}

extension TortureCase {
    /// Records an issue for everything in `exchange` the RFC does not allow.
    func verify(_ exchange: TortureExchange, sourceLocation: SourceLocation = #_sourceLocation) {
        let torture = self
        let finals = exchange.finalResponses
        let got = finals.map { "\($0.startLine)" }
        let what = "\(torture.file): got \(got.isEmpty ? "no final response" : got.joined(separator: ", "))"
            + (exchange.provisionalResponses.isEmpty ? "" : " after \(exchange.provisionalResponses.map(\.startLine))")
            + (exchange.forwardedInvites.isEmpty ? "" : "; forwarded \(exchange.forwardedInvites.count) INVITE(s)")

        if torture.isResponse {
            // A response sent to Legato gets nothing back.
            #expect(exchange.toCaller.isEmpty, "\(what)", sourceLocation: sourceLocation)
        } else if let final = finals.first {
            #expect(torture.finals.contains(final.statusCode ?? 0),
                    "\(what); RFC 4475 \(torture.section) allows \(torture.finals.sorted())", sourceLocation: sourceLocation)
            #expect(finals.allSatisfy { $0.statusCode == final.statusCode }, "\(what)", sourceLocation: sourceLocation)
        } else {
            #expect(torture.silenceAllowed,
                    "\(what); RFC 4475 \(torture.section) requires one of \(torture.finals.sorted())",
                    sourceLocation: sourceLocation)
            #expect(exchange.provisionalResponses.isEmpty,
                    "\(what): a provisional response but no final one", sourceLocation: sourceLocation)
        }

        switch torture.forwarding {
        case .required:
            #expect(exchange.forwardedInvites.count >= 1, "\(what); RFC 4475 \(torture.section): must be processed (forwarded)",
                    sourceLocation: sourceLocation)
        case .never:
            #expect(exchange.toTrunk.isEmpty, "\(what); must not be forwarded:\n\(exchange.toTrunk.map(\.raw))",
                    sourceLocation: sourceLocation)
        case .allowed:
            break
        }
        if !exchange.forwardedInvites.isEmpty {
            #expect(finals.first?.statusCode == 486, "\(what): forwarded, so the callee's 486 must come back",
                    sourceLocation: sourceLocation)
        }

        for check in torture.checks {
            switch check {
            case .unsupportedListsRequire(let options):
                let unsupported = finals.first?.values("Unsupported").joined(separator: ",") ?? ""
                for option in options {
                    #expect(unsupported.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(option),
                            "\(what): Unsupported '\(unsupported)' does not list \(option)", sourceLocation: sourceLocation)
                }
            case .acceptListsSDP:
                if let final = finals.first, final.statusCode == 415 {
                    let accept = final.values("Accept").joined(separator: ",").lowercased()
                    #expect(accept.contains("application/sdp"), "\(what): 415 without Accept: application/sdp",
                            sourceLocation: sourceLocation)
                }
            case .forwardedURIHasNoBrackets:
                for invite in exchange.forwardedInvites {
                    #expect(!(invite.requestURI ?? "").contains("<") && !(invite.requestURI ?? "").contains(">"),
                            "\(invite.startLine)", sourceLocation: sourceLocation)
                }
            case .forwardedURIHasNoHeaders:
                for invite in exchange.forwardedInvites {
                    #expect(!(invite.requestURI ?? "").contains("?"), "\(invite.startLine)", sourceLocation: sourceLocation)
                    #expect(!invite.has("Route"), "\(invite.raw)", sourceLocation: sourceLocation)
                }
            case .noResponseToCallID(let callID):
                #expect(!exchange.toCaller.contains { $0.callID == callID },
                        "\(what): answered the trailing INVITE octets", sourceLocation: sourceLocation)
            case .noSDPInFinalResponse:
                #expect(!(finals.first?.header("Content-Type")?.lowercased().contains("sdp") ?? false),
                        "\(what): SDP body although the caller accepts only text/nobodyKnowsThis",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
