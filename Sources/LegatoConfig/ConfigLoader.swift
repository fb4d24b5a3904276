import Yams

/// Reads and validates Legato conf files (YAML).
///
/// Every problem is reported with the file, line, column and dotted key path it concerns;
/// all problems in a file are reported together, in file order. A configuration that
/// loads is complete and consistent: defaults are filled in, every regex compiles and
/// every route names a trunk that exists.
///
/// ```swift
/// do {
///     let config = try ConfigLoader.load(path: "conf/legato.conf")
/// } catch {
///     for problem in error.errors { print(problem) }   // error is ConfigErrors
/// }
/// ```
public enum ConfigLoader {
    /// Reads the file at `path` and parses it with `parse(_:path:)`.
    ///
    /// - Throws: `ConfigErrors`; a file that cannot be read or is not UTF-8 gives one
    ///   error with line 0.
    public static func load(path: String) throws(ConfigErrors) -> LegatoConfiguration {
        let text: String
        switch ConfigFile.contents(of: path) {
        case .success(let contents): text = contents
        case .failure(let problem):
            throw ConfigErrors([ConfigError(file: path, line: 0, column: 0, key: "", message: problem.message)])
        }
        return try parse(text, path: path)
    }

    /// Parses and validates configuration `text`. `path` is only used to name the file in
    /// errors and as `LegatoConfiguration.sourcePath`.
    ///
    /// - Throws: `ConfigErrors` holding every problem found (YAML syntax errors stop parsing,
    ///   so they come alone).
    public static func parse(_ text: String, path: String) throws(ConfigErrors) -> LegatoConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigErrors([YAMLSyntaxError.configError(error, file: path, yaml: text)])
        }
        let diagnostics = Diagnostics(file: path)
        let document: MappingReader
        if let root, !root.isNull {
            guard let reader = MappingReader(root, path: "", diagnostics: diagnostics) else {
                throw ConfigErrors(diagnostics.errors)
            }
            document = reader
        } else {
            document = MappingReader(emptyAt: .start, path: "", diagnostics: diagnostics)
        }
        var configuration = readDocument(document, path: path)
        guard diagnostics.errors.isEmpty else {
            throw ConfigErrors(diagnostics.errors)
        }
        configuration.warnings = diagnostics.warnings
        return configuration
    }

    /// The top-level sections, in dependency order (routes need media and trunks). The result
    /// is only complete if no errors were reported: invalid entries are left out or defaulted.
    private static func readDocument(_ document: MappingReader, path: String) -> LegatoConfiguration {
        document.checkKeys(["listeners", "signalling", "media", "trunks", "routes", "security", "users", "cdr", "admin"])
        let listeners = readListeners(document)
        let signallingSection = document.mapping("signalling")
        let signalling = signallingSection.map(readSignalling) ?? SignallingConfig()
        let media = document.mapping("media").map(readMedia) ?? MediaConfig()
        let trunks = readTrunks(document)
        let routes = readRoutes(document, media: media, trunks: trunks)
        var configuration = LegatoConfiguration(sourcePath: path, listeners: listeners, signalling: signalling,
                                                media: media, trunks: trunks.valid, routes: routes)
        configuration.security = document.mapping("security").map(readSecurity) ?? SecurityConfig()
        configuration.users = readUsers(document)
        configuration.cdr = document.mapping("cdr").map(readCDR) ?? CDRConfig()
        configuration.admin = document.mapping("admin").map(readAdmin) ?? AdminConfig()
        if let signallingSection { checkShards(configuration, signallingSection) }
        return configuration
    }
}
