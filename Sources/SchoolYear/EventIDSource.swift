import EventLog
import Foundation
import Synchronization

/// Event ids for a generated log: UUIDv7 laid out from the simulated
/// recorded-at, so that they grow with the log (the log's id index takes
/// growing ids on its fast append path), and the rest from the seed, so that
/// the same seed gives byte-identical logs.
///
/// Layout: 48 bits of milliseconds, version 7, then 74 bits made of a 42-bit
/// counter of ids made so far and 32 seeded random bits. The milliseconds never
/// go back (an event recorded "earlier" than the one before it keeps the
/// previous millisecond), and the counter always grows, so each id is greater
/// than every id before it.
public final class EventIDSource: Sendable {
    private struct State {
        var generator: SeededGenerator
        var lastMillisecond: Int64 = 0
        var counter: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(seed: UInt64, school: String) {
        state = Mutex(State(generator: SeededGenerator(seed: seed, stream: "event ids \(school)")))
    }

    public func make(at time: Timestamp) -> UUID {
        state.withLock { s in
            s.lastMillisecond = max(s.lastMillisecond, time.microseconds / 1000)
            s.counter += 1
            let ms = UInt64(s.lastMillisecond) & 0xFFFF_FFFF_FFFF
            let random = s.generator.next() & 0xFFFF_FFFF
            let randA = (s.counter >> 30) & 0xFFF
            let randB = ((s.counter & 0x3FFF_FFFF) << 32) | random
            return UUID(uuid: (
                UInt8(ms >> 40 & 0xFF), UInt8(ms >> 32 & 0xFF), UInt8(ms >> 24 & 0xFF),
                UInt8(ms >> 16 & 0xFF), UInt8(ms >> 8 & 0xFF), UInt8(ms & 0xFF),
                UInt8(0x70 | (randA >> 8)), UInt8(randA & 0xFF),
                UInt8(0x80 | (randB >> 56 & 0x3F)), UInt8(randB >> 48 & 0xFF),
                UInt8(randB >> 40 & 0xFF), UInt8(randB >> 32 & 0xFF), UInt8(randB >> 24 & 0xFF),
                UInt8(randB >> 16 & 0xFF), UInt8(randB >> 8 & 0xFF), UInt8(randB & 0xFF)))
        }
    }
}
