// What a scenario package sees after `import Legato`: the call API
// (`Call`, `CallEngine`, `Scenario`, `CallAlerting`, `CallSIPOptions`,
// `CallEvent`, …), the configuration model, the SIP value types a scenario
// touches, the signalling actor, and swift-log's `Logger`.
@_exported import LegatoCall
@_exported import LegatoConfig
@_exported import struct LegatoSIP.SIPHeader
@_exported import struct LegatoSIP.SIPBody
@_exported import class LegatoSIP.SIPActor
@_exported import struct Logging.Logger
