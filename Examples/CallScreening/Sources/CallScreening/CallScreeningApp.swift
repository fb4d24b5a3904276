import Legato
#if canImport(Glibc)
import Glibc
#endif

/// `CallScreening [--config FILE] [--log-level LEVEL]`: Legato with the
/// `CallScreener` scenario. The PIN comes from `SCREENING_PIN` (default
/// 1234), the time limit from `SCREENING_TIMEOUT` in seconds (default 15).
@main
struct CallScreeningApp {
    static func main() async {
        let pin = environment("SCREENING_PIN") ?? "1234"
        let timeout = environment("SCREENING_TIMEOUT").flatMap(Double.init) ?? 15
        await LegatoServer.main(defaultConfigurationFile: "call-screening.conf") { context in
            CallScreener(settings: .init(pin: pin, timeout: timeout), configuration: context.configuration,
                         logger: context.logger)
        }
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
