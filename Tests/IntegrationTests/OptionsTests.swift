import Testing

extension Integration {
    @Suite("OPTIONS")
    struct Options {
        @Test("OPTIONS to Legato is answered 200", .serialized, arguments: [SippOptions.Transport.udp, .tcp])
        func optionsIsAnswered200(_ transport: SippOptions.Transport) async throws {
            let test = try TestContext("optionsIsAnswered200-\(transport)")
            let probe = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await SippProcess.run(test.uac("uac-options.xml", transport: transport), artifacts: test.artifacts)
            }
            expectSuccess(probe)
            let request = try #require(probe.trace.requests("OPTIONS", .sent).first)
            let response = try #require(probe.trace.finalResponse(to: "OPTIONS", .received), "\(probe.trace)")
            #expect(response.statusCode == 200)
            #expect(response.callID == request.callID)
            #expect(response.header("CSeq") == request.header("CSeq"))
            #expect(response.topViaBranch == request.topViaBranch)
            #expect(response.toTag != nil, "a 200 to OPTIONS carries a To tag (RFC 3261 8.2.6.2)")
        }
    }
}
