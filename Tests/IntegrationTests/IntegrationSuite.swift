import Testing

/// The integration tests: the built `legato` daemon driven over loopback by
/// sipp scenarios (`Scenarios/`, named by role: uac-… callers, uas-… callees)
/// and raw UDP sockets (RFC 4475).
///
/// Serialized, because every test runs a daemon and its peers and the
/// machine has two cores; every test still has its own ports (`Ports`).
/// Confs, daemon logs and sipp traces stay in
/// `$TMPDIR/legato-it/<run>/<test>-<port>`; failure messages name them.
///
/// Run (own scratch path, so as not to share the main build folder):
///
///     swift build --scratch-path .build-it --product legato
///     LEGATO_BIN=$PWD/.build-it/debug/legato swift test --scratch-path .build-it --filter IntegrationTests
///
/// Without `LEGATO_BIN` the daemon is `<package root>/.build/debug/legato`.
/// `LEGATO_IT_PORT_BASE` moves the ports (default 25000, 20 per test).
@Suite(.serialized)
enum Integration {}
