import EventLog
import Foundation

/// One JSON object per event (see README, "Export format").
enum EventExporter {
    static func write(
        log: EventLog, from: UInt64 = 1, through: UInt64 = .max, to sink: OutputSink,
        progress: (UInt64) -> Void
    ) throws {
        try log.scanStored(from: from, through: through) { sequence, stored in
            let event = try RecordedEvent(stored: stored, sequence: sequence)
            var object: [String: Any] = [
                "school": event.school,
                "sequence": event.sequence,
                "id": event.id.uuidString.lowercased(),
                "stream": event.stream,
                "streamVersion": event.streamVersion,
                "recordedAt": event.recordedAt.iso,
                "effectiveDate": event.effectiveDate.iso,
                "actor": ["user": event.actor.userID, "role": event.actor.role],
                "type": event.type,
                "schemaVersion": event.schemaVersion,
                "stored": Data(stored).base64EncodedString(),
                "previousHash": event.previousHash.hex,
                "hash": event.hash.hex,
            ]
            if let payload = PayloadRenderer.json(for: event) { object["payload"] = payload }
            var line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            line.append(0x0A)
            sink.write(line)
            if sequence % 10_000 == 0 { progress(sequence) }
            return true
        }
    }
}

/// Turns a payload into JSON for people to read; nil when its type is unknown.
enum PayloadRenderer {
    static func json(for event: RecordedEvent) -> Any? {
        nil
    }
}
