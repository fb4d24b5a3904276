/// A call-progress tone: a cadence of segments, each a sum of sine
/// frequencies (or silence) for a duration, repeated forever.
public struct TonePlan: Sendable, Equatable {
    /// One step of the cadence.
    public struct Segment: Sendable, Equatable {
        /// Frequencies in Hz; empty for silence.
        public var frequencies: [Double]
        /// Milliseconds.
        public var milliseconds: Int

        public init(_ frequencies: [Double], _ milliseconds: Int) {
            self.frequencies = frequencies
            self.milliseconds = milliseconds
        }
    }

    /// The cadence, repeated.
    public var segments: [Segment]
    /// Peak amplitude of each frequency component (linear, of 32767).
    public var amplitude: Double

    public init(segments: [Segment], amplitude: Double = 5000) {
        self.segments = segments
        self.amplitude = amplitude
    }

    /// One cadence in milliseconds.
    public var period: Int { segments.reduce(0) { $0 + $1.milliseconds } }
}

/// Which progress tone.
public enum ProgressTone: String, Sendable, Equatable, CaseIterable {
    case ringback
    case busy
    case congestion
}

/// National progress tones (ITU-T E.180 Supplement 2).
public enum ProgressTones {
    /// Countries with tone plans (ISO 3166 alpha-2).
    public static let countries = ["US", "RU", "GB", "DE", "FR"]

    /// The plan for `tone` in `country` (case-insensitive); nil for an unknown country.
    public static func plan(_ tone: ProgressTone, country: String) -> TonePlan? {
        typealias S = TonePlan.Segment
        switch (country.uppercased(), tone) {
        case ("US", .ringback): return TonePlan(segments: [S([440, 480], 2000), S([], 4000)])
        case ("US", .busy): return TonePlan(segments: [S([480, 620], 500), S([], 500)])
        case ("US", .congestion): return TonePlan(segments: [S([480, 620], 250), S([], 250)])
        case ("GB", .ringback): return TonePlan(segments: [S([400, 450], 400), S([], 200), S([400, 450], 400), S([], 2000)])
        case ("GB", .busy): return TonePlan(segments: [S([400], 375), S([], 375)])
        case ("GB", .congestion): return TonePlan(segments: [S([400], 400), S([], 350), S([400], 225), S([], 525)])
        case ("DE", .ringback): return TonePlan(segments: [S([425], 1000), S([], 4000)])
        case ("DE", .busy): return TonePlan(segments: [S([425], 480), S([], 480)])
        case ("DE", .congestion): return TonePlan(segments: [S([425], 240), S([], 240)])
        case ("FR", .ringback): return TonePlan(segments: [S([440], 1500), S([], 3500)])
        case ("FR", .busy): return TonePlan(segments: [S([440], 500), S([], 500)])
        case ("FR", .congestion): return TonePlan(segments: [S([440], 250), S([], 250)])
        case ("RU", .ringback): return TonePlan(segments: [S([425], 800), S([], 3200)])
        case ("RU", .busy): return TonePlan(segments: [S([425], 400), S([], 400)])
        case ("RU", .congestion): return TonePlan(segments: [S([425], 200), S([], 200)])
        default: return nil
        }
    }
}
