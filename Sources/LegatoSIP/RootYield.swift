internal import CSofiaShim

/// sofia-sip's `su_root_yield`, which Legato replaces with a no-op
/// (`CSofiaShim/root_yield.c`): in Debian's sofia-sip 1.12.11, a yield inside
/// nta's timer run zeroes its cached clock and fires server-transaction
/// timers (H, I, J, G) early, ending answered calls with "ACK Timeout".
public enum RootYield {
    /// How many times sofia asked to yield since the process started (each
    /// was skipped: the datagrams are read when the loop next waits).
    public static var skipped: UInt { UInt(legato_root_yields_skipped()) }
}
