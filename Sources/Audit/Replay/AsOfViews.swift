import Catalog
import EventLog
import Foundation
import LMDB
import Projections

/// Views as they stood at an earlier point of the log, rebuilt in memory from
/// the log alone; the live projections are never read or touched.
///
/// A whole-school view replays every event up to the point. One class journal,
/// one diary or one summary sheet reads only the events that can matter to it:
/// the registry's streams, the unit's lesson streams (`lesson/<unit>/…`), the
/// grades given at those lessons (from the audit index, `AuditTables`), the
/// students' final grades (`final/<student>/…`) — a few thousand events on a log
/// of millions. Projectors read and write only their own tables, so feeding
/// them this subset in log order gives the same rows as the whole log.
public struct AsOfViews {
    public let log: EventLog
    /// The number of events of the prefix the views show.
    public let position: UInt64
    /// The date a view's "current period" means: the day (Moscow time) of the
    /// point asked for, or of the last event of the prefix.
    public let today: Day

    public init(log: EventLog, at point: AsOfPoint, utcOffsetHours: Int = 3) throws {
        self.log = log
        position = try point.resolve(in: log)
        switch point {
        case .time(let t):
            today = t.local(hours: utcOffsetHours).date.daysSinceEpoch
        case .sequence:
            let last = position > 0 ? try log.event(at: position)?.recordedAt : nil
            today = (last ?? .now()).local(hours: utcOffsetHours).date.daysSinceEpoch
        }
        // The index makes one-class views fast; extend it when the store can be written.
        if !log.environment.options.readOnly {
            try Checkpointer(log: log, signer: nil).catchUp()
        }
    }

    /// Every view: the whole prefix replayed (the reports).
    public func everything() throws -> MemoryViews {
        try Projections.replay(log: log, through: position)
    }

    public func classJournal(class className: String?, group: String?, subject: String?, period: String?) throws -> ClassJournal {
        let setup = try setupEvents()
        let lookup = Lookup(try Projections.replay(events: setup, projectors: [RegistryProjector()]))
        let unit: String, classID: String
        if let group {
            let row = try lookup.resolveGroup(group)
            (unit, classID) = (row.id, row.classID)
        } else if let className {
            unit = try lookup.resolveClass(className).id
            classID = unit
        } else {
            throw ViewError.invalid("name a class (--class 5А) or a group (--group 5А/англ-1)")
        }
        let views = try journalViews(setup: setup, students: try studentsNaming(classID), units: [unit], finals: true)
        return try ClassJournal.query(views, class: className, group: group, subject: subject, period: period, today: today)
    }

    public func diary(student: String, week: Day) throws -> DiaryWeek {
        let setup = try setupEvents()
        let own = try studentEvents([student])
        let lookup = Lookup(try Projections.replay(events: Self.merge(setup, own), projectors: [RegistryProjector()]))
        let row = try lookup.student(student)
        let units = Set((row.classes + row.groups).map(\.unit))
        let views = try journalViews(setup: setup, students: [student], units: units, finals: false, streams: [Streams.diary(student)])
        return try DiaryWeek.query(views, student: student, week: week)
    }

    public func summary(class className: String) throws -> SummarySheet {
        let setup = try setupEvents()
        let lookup = Lookup(try Projections.replay(events: setup, projectors: [RegistryProjector()]))
        let classID = try lookup.resolveClass(className).id
        let views = try journalViews(setup: setup, students: try studentsNaming(classID), units: [], finals: true)
        return try SummarySheet.query(views, class: className)
    }

    /// The rows a journal of `units` reads: the school's set-up, the students
    /// (and anyone the units' entries name), the units' lessons and grades, the
    /// students' final grades with `finals`, and the events of `streams`.
    func journalViews(
        setup: [ProjectedEvent], students: Set<String>, units: Set<String>, finals: Bool, streams: [String] = []
    ) throws -> MemoryViews {
        var sequences: [UInt64] = []
        for unit in units {
            try log.forEachStreamEvent(prefix: Streams.lesson(unit) + "/") { stream, sequence in
                if sequence <= position, Self.isLessonStream(stream, of: unit) { sequences.append(sequence) }
                return true
            }
        }
        sequences += try gradeSequences(units: units)
        for stream in streams {
            try log.forEachStreamEvent(prefix: stream + "\0") { _, sequence in
                if sequence <= position { sequences.append(sequence) }
                return true
            }
        }
        var journal = try log.events(at: Array(Set(sequences)).sorted()).map(ProjectedEvent.init)
        // Anyone an entry names is shown even if not on the roster (it should not happen): load them too.
        var people = students
        for e in journal {
            switch e.event {
            case .gradeRecorded(let m): people.insert(m.studentID)
            case .attendanceTaken(let m): people.formUnion(m.marks.map(\.studentID))
            case .attendanceCorrected(let m): people.insert(m.studentID)
            default: break
            }
        }
        if finals {
            var finalSequences: [UInt64] = []
            for student in people {
                try log.forEachStreamEvent(prefix: "final/\(student)/") { _, sequence in
                    if sequence <= position { finalSequences.append(sequence) }
                    return true
                }
            }
            journal = Self.merge(journal, try log.events(at: finalSequences.sorted()).map(ProjectedEvent.init))
        }
        let registry = Self.merge(setup, try studentEvents(people))
        return try Projections.replay(events: Self.merge(registry, journal), projectors: [RegistryProjector(), JournalProjector()])
    }

    /// The school's set-up up to the position, decoded: every registry stream but
    /// the students' own, a few thousand events however long the log.
    func setupEvents() throws -> [ProjectedEvent] {
        var sequences: [UInt64] = []
        for prefix in ["school\0", "year/", "period/", "class/", "group/", "staff/"] {
            try log.forEachStreamEvent(prefix: prefix) { _, sequence in
                if sequence <= position { sequences.append(sequence) }
                return true
            }
        }
        return try log.events(at: sequences.sorted()).map(ProjectedEvent.init)
    }

    /// The events of these students' own streams (`student/<id>`), decoded.
    func studentEvents(_ students: Set<String>) throws -> [ProjectedEvent] {
        var sequences: [UInt64] = []
        for student in students {
            try log.forEachStreamEvent(prefix: Streams.student(student) + "\0") { _, sequence in
                if sequence <= position { sequences.append(sequence) }
                return true
            }
        }
        return try log.events(at: sequences.sorted()).map(ProjectedEvent.init)
    }

    /// Everyone who was ever in `classID`: the students whose own events name it
    /// (enrolled, arrived, moved, promoted, left, graduated), found without
    /// decoding: a field of the payload equal to the class id.
    func studentsNaming(_ classID: String) throws -> Set<String> {
        var byStream: [(String, UInt64)] = []
        try log.forEachStreamEvent(prefix: "student/") { stream, sequence in
            if sequence <= position { byStream.append((stream, sequence)) }
            return true
        }
        let needle = Array(classID.utf8)
        var students = Set<String>()
        let events = try log.events(at: byStream.map(\.1).sorted())
        for event in events where !students.contains(event.stream) {
            let names = event.payload.withUnsafeBytes { ProtoPeek.hasField(equalTo: needle, in: $0) }
            if names { students.insert(event.stream) }
        }
        return Set(students.map { String($0.dropFirst("student/".count)) })
    }

    /// The grade events of lessons of `units`: from the index as far as it
    /// goes, then by reading the rest of the prefix.
    func gradeSequences(units: Set<String>) throws -> [UInt64] {
        guard !units.isEmpty else { return [] }
        var sequences: [UInt64] = []
        var indexed: UInt64 = 0
        if let tables = try AuditTables.open(log) {
            try log.environment.read { txn in
                indexed = try AuditTables.position(AuditTables.indexPositionKey, in: tables.meta, txn)
                for unit in units {
                    try txn.forEach(tables.index, prefix: AuditTables.unitPrefix(UInt8(ascii: "u"), unit)) { key, _ in
                        let sequence = BigEndianKey.decode(key, at: key.count - 8)
                        guard sequence <= position else { return false }
                        sequences.append(sequence)
                        return true
                    }
                }
            }
        }
        guard indexed < position else { return sequences }
        // Not indexed yet (a read-only store): the grades of these units among the rest.
        var grades = Set(try log.events(at: sequences.sorted()).map(\.stream))
        try log.scanStored(from: indexed + 1, through: position) { sequence, value in
            guard let envelope = StoredEnvelope(value), envelope.stream.hasPrefix(Wire.gradePrefix) else { return true }
            if envelope.type.equals(Wire.gradeRecorded) {
                if let lessonID = ProtoPeek.string(field: 2, in: envelope.payload),
                   let unit = LessonRef(lessonID: lessonID)?.unit, units.contains(unit) {
                    grades.insert(envelope.streamName)
                    sequences.append(sequence)
                }
            } else if grades.contains(envelope.streamName) {
                sequences.append(sequence)
            }
            return true
        }
        return sequences
    }

    /// `lesson/<unit>/<YYYY-MM-DD>/<slot>` — and not a lesson of a group whose
    /// id starts with the class's (`<class>/<group>/…`).
    static func isLessonStream(_ stream: String, of unit: String) -> Bool {
        guard let ref = LessonRef(lessonID: String(stream.dropFirst("lesson/".count))) else { return false }
        return ref.unit == unit
    }

    /// Two lists in sequence order, merged.
    static func merge(_ a: [ProjectedEvent], _ b: [ProjectedEvent]) -> [ProjectedEvent] {
        var out: [ProjectedEvent] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].sequence < b[j].sequence) {
                out.append(a[i]); i += 1
            } else {
                if i < a.count && a[i].sequence == b[j].sequence { i += 1 }
                out.append(b[j]); j += 1
            }
        }
        return out
    }
}
