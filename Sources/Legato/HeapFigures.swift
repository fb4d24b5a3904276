internal import CMalloc

/// What glibc's allocator holds, summed over its arenas (`mallinfo2`):
/// bytes in live blocks and bytes free inside the heap. RSS minus the two
/// is what the allocator has handed back or never touched; free bytes RSS
/// still counts are freed blocks between live ones (`docs/performance.md`,
/// memory per dialog). Reading walks the free lists under each arena's lock,
/// so it is for `legato ctl status`, not for a per-call path.
struct HeapFigures: Equatable {
    /// Bytes in blocks handed out and not freed (`uordblks` + `hblkhd`).
    var inUse: Int
    /// Bytes free inside the heap (`fordblks`).
    var free: Int

    static func now() -> HeapFigures {
        let info = mallinfo2()
        return HeapFigures(inUse: Int(info.uordblks + info.hblkhd), free: Int(info.fordblks))
    }
}
