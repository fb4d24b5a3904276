import Legato
#if canImport(Glibc)
import Glibc
#endif

/// `TransferDesk [--config FILE] [--log-level LEVEL]`: Legato with the
/// `TransferDesk` scenario. The extensions calls may be transferred to come
/// from `TRANSFER_ALLOW` (comma-separated users; default `2000,2001,carol`).
@main
struct TransferDeskApp {
    static func main() async {
        let list = getenv("TRANSFER_ALLOW").map { String(cString: $0) } ?? "2000,2001,carol"
        let allowed = Set(list.split(separator: ",").map { String($0.filter { $0 != " " }) })
        await LegatoServer.main(defaultConfigurationFile: "transfer-desk.conf") { context in
            TransferDesk(allowed: allowed, configuration: context.configuration, logger: context.logger)
        }
    }
}
