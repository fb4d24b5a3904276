/// The global actor of the signalling thread.
///
/// Every sofia-sip handle, every `Call` and every scenario runs isolated to this
/// actor. Its executor is the su_root loop (`SignallingLoop`), so code isolated
/// here runs on the one thread that owns sofia's state.
@globalActor
public actor SIPActor {
    /// The single instance (`@globalActor` requirement).
    public static let shared = SIPActor()

    /// The su_root loop's executor: jobs isolated to this actor run on the signalling thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        SignallingLoop.shared.executor.asUnownedSerialExecutor()
    }

    /// Runs `operation` synchronously as isolated to the signalling thread.
    /// Traps when called from any other thread. Used where sofia calls back
    /// into Swift on its own thread but outside any Swift job.
    public static func assumeIsolated<T: Sendable>(
        _ operation: @SIPActor () throws -> T
    ) rethrows -> T {
        typealias Isolated = @SIPActor () throws -> T
        typealias Plain = () throws -> T
        SignallingLoop.shared.executor.checkIsolated()
        return try withoutActuallyEscaping(operation) { fn in
            try unsafeBitCast(fn, to: Plain.self)()
        }
    }
}
