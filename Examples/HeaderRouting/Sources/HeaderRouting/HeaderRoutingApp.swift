import Legato

/// `HeaderRouting [--config FILE] [--log-level LEVEL]`: Legato with the
/// `HeaderRouter` scenario, until SIGTERM or SIGINT.
@main
struct HeaderRoutingApp {
    static func main() async {
        await LegatoServer.main(defaultConfigurationFile: "header-routing.conf") { context in
            HeaderRouter(configuration: context.configuration, logger: context.logger)
        }
    }
}
