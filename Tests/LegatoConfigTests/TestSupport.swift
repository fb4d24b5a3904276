import Testing
import LegatoConfig

/// The package root, from this file's path (Tests/LegatoConfigTests/TestSupport.swift).
let packageRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// The errors `yaml` (named `test.conf`) produces; records an issue if it loads.
func errors(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigError] {
    do {
        _ = try ConfigLoader.parse(yaml, path: "test.conf")
        Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.errors
    }
}

/// The error `yaml` produces; records an issue unless there is exactly one.
func onlyError(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
    let all = errors(yaml, sourceLocation: sourceLocation)
    #expect(all.count == 1, "\(all.map(\.description))", sourceLocation: sourceLocation)
    return all.first
}
