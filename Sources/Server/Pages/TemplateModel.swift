import Mustache

/// A page's model that the templates read by name through a table of key
/// paths. Without it swift-mustache finds each name by reflection (a `Mirror`
/// of the value for every lookup), which made a class journal's grid of a few
/// hundred cells take tens of milliseconds to render.
///
/// Each table is a `nonisolated(unsafe) static let`: key paths are immutable,
/// and the table is made once and only read (the type checker cannot tell,
/// as key paths are not marked `Sendable`).
protocol TemplateModel: MustacheParent {
    static var templateFields: [String: PartialKeyPath<Self>] { get }
}

extension TemplateModel {
    func child(named name: String) -> Any? {
        guard let path = Self.templateFields[name] else { return nil }
        let value = self[keyPath: path]
        // A missing optional is no value, as it is when found by reflection: the name is looked up further out.
        if let optional = value as? any OptionalValue { return optional.wrappedValue }
        return value
    }
}

private protocol OptionalValue {
    var wrappedValue: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrappedValue: Any? {
        switch self {
        case .some(let value): value
        case .none: nil
        }
    }
}

extension PageRenderer.Document: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = ["frame": \.frame, "page": \.page]
}

extension Frame: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "title": \.title, "stylesheet": \.stylesheet, "signedIn": \.signedIn, "name": \.name, "csrf": \.csrf, "nav": \.nav,
        "notice": \.notice,
    ]
}

extension Frame.Link: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = ["label": \.label, "href": \.href, "current": \.current]
}

extension TeacherPages.Option: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = ["value": \.value, "label": \.label, "selected": \.selected]
}

// The class journal's grid: hundreds of cells on one page.

extension JournalPages.GridPage: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "unit": \.unit, "subject": \.subject, "unitName": \.unitName, "subjectName": \.subjectName, "periodName": \.periodName,
        "periodRange": \.periodRange, "periods": \.periods, "notes": \.notes, "columns": \.columns, "rows": \.rows, "empty": \.empty,
        "entry": \.entry, "workTypes": \.workTypes, "script": \.script, "asOf": \.asOf, "asOfValue": \.asOfValue, "period": \.period,
        "nowLink": \.nowLink,
    ]
}

extension JournalPages.GridPage.Column: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "lesson": \.lesson, "day": \.day, "date": \.date, "slot": \.slot, "topic": \.topic, "lessonLink": \.lessonLink,
        "columnLink": \.columnLink, "substitute": \.substitute, "locked": \.locked, "correctionsLocked": \.correctionsLocked,
        "open": \.open,
    ]
}

extension JournalPages.GridPage.Mark: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = ["value": \.value, "link": \.link, "title": \.title]
}

extension JournalPages.GridPage.Cell: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "lesson": \.lesson, "student": \.student, "member": \.member, "open": \.open, "marks": \.marks, "absence": \.absence,
    ]
}

extension JournalPages.GridPage.Row: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "id": \.id, "name": \.name, "shortName": \.shortName, "historyLink": \.historyLink, "cells": \.cells, "average": \.average,
        "weighted": \.weighted, "final": \.final,
    ]
}

// The diary week: the page parents open every evening.

extension DiaryPages.WeekPage: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "student": \.student, "studentName": \.studentName, "className": \.className, "weekStart": \.weekStart,
        "weekEnd": \.weekEnd, "monday": \.monday, "previous": \.previous, "next": \.next, "children": \.children,
        "switcher": \.switcher, "days": \.days, "acknowledged": \.acknowledged, "acknowledgedAt": \.acknowledgedAt,
        "mayAcknowledge": \.mayAcknowledge, "finalsLink": \.finalsLink,
    ]
}

extension DiaryPages.WeekPage.Child: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = ["name": \.name, "link": \.link, "current": \.current]
}

extension DiaryPages.WeekPage.Lesson: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "slot": \.slot, "subjectName": \.subjectName, "topic": \.topic, "homeworkDue": \.homeworkDue, "homeworkSet": \.homeworkSet,
        "homeworkSetAt": \.homeworkSetAt, "homeworkLate": \.homeworkLate, "marks": \.marks, "attendance": \.attendance,
        "planned": \.planned,
    ]
}

extension DiaryPages.WeekPage.Mark: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "value": \.value, "workTypeName": \.workTypeName, "weight": \.weight, "comment": \.comment, "link": \.link,
    ]
}

extension DiaryPages.WeekPage.Day: TemplateModel {
    nonisolated(unsafe) static let templateFields: [String: PartialKeyPath<Self>] = [
        "heading": \.heading, "lessons": \.lessons, "otherHomework": \.otherHomework, "free": \.free, "notEntered": \.notEntered,
    ]
}

/// HTML escaping for the pages, by bytes: the same five characters as
/// swift-mustache's own (`< > & " '`), without its dictionary lookup of every
/// character, and text with none of them (most of it) is returned as it is.
/// Going by bytes also escapes a `<` that a combining mark follows, which a
/// look-up by whole characters would let through. The layout selects it with
/// the pragma `{{% CONTENT_TYPE: LETOPIS_HTML}}`.
struct PageHTML: MustacheContentType {
    static let name = "LETOPIS_HTML"

    func escapeText(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.contains(where: Self.special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func special(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
