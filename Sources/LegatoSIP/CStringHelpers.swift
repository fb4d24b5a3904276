extension Optional where Wrapped == String {
    /// Like `String.withCString`, passing NULL for nil.
    func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
        switch self {
        case .some(let s): return try s.withCString { try body($0) }
        case .none: return try body(nil)
        }
    }
}

extension Optional where Wrapped == SIPBody {
    /// Passes the content type and the bytes (pointer and length) of the body, or NULLs.
    func withBody<R>(_ body: (UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int) throws -> R) rethrows -> R {
        guard let value = self else { return try body(nil, nil, 0) }
        return try value.contentType.withCString { ct in
            try value.bytes.withUnsafeBufferPointer { buf in
                try buf.withMemoryRebound(to: CChar.self) { chars in
                    // An empty body still needs a non-NULL pointer so sofia sends Content-Length: 0.
                    try body(ct, chars.baseAddress ?? UnsafePointer(ct), chars.count)
                }
            }
        }
    }
}
