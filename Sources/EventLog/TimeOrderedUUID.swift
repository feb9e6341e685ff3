import Foundation
import Synchronization

extension UUID {
    init(bytes: UnsafeRawBufferPointer) {
        var tuple: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tuple) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(16))) }
        self.init(uuid: tuple)
    }

    /// Byte-wise order, as LMDB sorts keys.
    func isOrdered(after other: UUID) -> Bool {
        withUnsafeBytes(of: uuid) { a in
            withUnsafeBytes(of: other.uuid) { b in
                memcmp(a.baseAddress!, b.baseAddress!, 16) > 0
            }
        }
    }

    /// A time-ordered UUID (version 7, RFC 9562) for now: ids made one after
    /// another in this process sort one after another (a counter in the random
    /// bits within a millisecond, RFC 9562 §6.2 method 3), which keeps the log's
    /// id index appending at its end.
    public static func timeOrdered() -> UUID {
        let millis = UInt64(max(0, Timestamp.now().microseconds / 1000))
        let (stamp, randA, counter) = timeOrderedState.withLock { last -> (UInt64, UInt64, UInt64) in
            var generator = SystemRandomNumberGenerator()
            if millis > last.millis {
                last = (millis, generator.next() & 0xFFF, generator.next() >> 3)
            } else {
                // Still growing, still not guessable.
                last.counter &+= 1 + (generator.next() & 0xFFFF)
            }
            return last
        }
        return UUID(v7Millis: stamp, randA: randA, randB: counter)
    }

    /// A version 7 UUID for a given moment, with random bits (no ordering within
    /// the millisecond): for events generated with past times.
    public static func timeOrdered(at time: Timestamp) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return UUID(v7Millis: UInt64(max(0, time.microseconds / 1000)), randA: generator.next(), randB: generator.next())
    }

    /// 48 bits of milliseconds, the version (7), 12 bits `randA`, the variant
    /// (0b10), 62 bits `randB`.
    public init(v7Millis millis: UInt64, randA: UInt64, randB: UInt64) {
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { raw in
            let high = (millis & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (randA & 0xFFF)
            let low = 0x8000_0000_0000_0000 | (randB & 0x3FFF_FFFF_FFFF_FFFF)
            raw.storeBytes(of: high.bigEndian, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        self.init(uuid: uuid)
    }
}

/// The last time-ordered id made in this process: (milliseconds, randA, counter).
private let timeOrderedState = Mutex<(millis: UInt64, randA: UInt64, counter: UInt64)>((0, 0, 0))
