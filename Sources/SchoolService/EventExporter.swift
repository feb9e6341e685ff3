import Catalog
import EventLog
import Foundation

/// One JSON object per event (docs/log-format.md, "Export format"); the
/// export's last line, the checkpoint, is `Audit.ExportTrailer`.
///
/// Lines are written by hand, keys in sorted order, with the payload's JSON as
/// swift-protobuf writes it spliced in: going through JSONSerialization took
/// about 200 µs an event, too slow for exports of a whole year.
public enum EventExporter {
    /// Hands `write` one line (with its newline) per event from `from` through `through`.
    public static func write(
        log: EventLog, from: UInt64 = 1, through: UInt64 = .max, to write: (String) -> Void,
        progress: (UInt64) -> Void = { _ in }
    ) throws {
        var line = ""
        line.reserveCapacity(2048)
        try log.scanStored(from: from, through: through) { sequence, stored in
            let event = try RecordedEvent(stored: stored, sequence: sequence)
            line.removeAll(keepingCapacity: true)
            line += "{\"actor\":{\"role\":"
            JSONText.append(event.actor.role, to: &line)
            line += ",\"user\":"
            JSONText.append(event.actor.userID, to: &line)
            line += "},\"effectiveDate\":\"\(event.effectiveDate.iso)\",\"hash\":\"\(event.hash.hex)\""
            line += ",\"id\":\"\(event.id.uuidString.lowercased())\""
            if let payload = PayloadRenderer.json(for: event) { line += ",\"payload\":" + payload }
            line += ",\"previousHash\":\"\(event.previousHash.hex)\",\"recordedAt\":\"\(event.recordedAt.iso)\""
            line += ",\"schemaVersion\":\(event.schemaVersion),\"school\":"
            JSONText.append(event.school, to: &line)
            line += ",\"sequence\":\(event.sequence),\"stored\":\"\(Data(stored).base64EncodedString())\",\"stream\":"
            JSONText.append(event.stream, to: &line)
            line += ",\"streamVersion\":\(event.streamVersion),\"type\":"
            JSONText.append(event.type, to: &line)
            line += "}\n"
            write(line)
            if sequence % 10_000 == 0 { progress(sequence) }
            return true
        }
    }
}

/// Turns a payload into JSON for people to read (the protobuf JSON mapping);
/// nil when its type is unknown.
public enum PayloadRenderer {
    public static func json(for event: RecordedEvent) -> String? {
        guard let decoded = try? event.decoded() else { return nil }
        return decoded.jsonPayload()
    }
}

/// JSON string literals.
public enum JSONText {
    public static func append(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
