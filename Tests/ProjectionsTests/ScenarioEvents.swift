import Catalog
import EventLog
import Foundation

// The events of the scenario, in the order the school records them.

extension Scenario {
    mutating func setUp() {
        add(SchoolRegistered.with {
            $0.schoolID = "sch-test"; $0.shortName = "Школа № 1"; $0.district = "Тестовый район"
        }, "2024-08-20")
        add(AcademicYearDefined.with {
            $0.year = 2024; $0.startsOn = "2024-09-02"; $0.endsOn = "2025-05-31"
            $0.holidays = [.with { $0.name = "осенние"; $0.startsOn = "2024-10-28"; $0.endsOn = "2024-11-04" }]
        }, "2024-08-20")
        add(ReportingPeriodsDefined.with {
            $0.year = 2024; $0.scheme = "четверти"; $0.kind = .terms; $0.grades = [5, 6, 7, 8, 9]
            $0.periods = [
                .with { $0.periodID = "2024-T1"; $0.name = "1 четверть"; $0.startsOn = "2024-09-02"; $0.endsOn = "2024-10-27" },
                .with { $0.periodID = "2024-T2"; $0.name = "2 четверть"; $0.startsOn = "2024-11-05"; $0.endsOn = "2024-12-28" },
            ]
        }, "2024-08-20")
        for (id, name, short) in [("math", "Математика", "мат"), ("rus", "Русский язык", "рус"), ("eng", "Английский язык", "англ")] {
            add(SubjectDefined.with { $0.subjectID = id; $0.name = name; $0.shortName = short }, "2024-08-20")
        }
        add(WorkTypeDefined.with { $0.workTypeID = "answer"; $0.name = "ответ"; $0.weight = 1 }, "2024-08-20")
        add(WorkTypeDefined.with { $0.workTypeID = "test"; $0.name = "контрольная"; $0.weight = 3 }, "2024-08-20")
        for (code, name, absence, illness, excused, late) in [
            ("Н", "не был", true, false, false, false), ("Б", "болел", true, true, false, false),
            ("УП", "уважительная причина", true, false, true, false), ("ОП", "опоздал", false, false, false, true),
        ] {
            add(AttendanceCodeDefined.with {
                $0.code = code; $0.name = name; $0.isAbsence = absence; $0.isIllness = illness
                $0.isExcused = excused; $0.isLate = late
            }, "2024-08-20")
        }
        for letter in ["А", "Б"] {
            add(ClassCreated.with {
                $0.classID = "2024-5\(letter)"; $0.year = 2024; $0.grade = 5; $0.letter = letter; $0.name = "5\(letter)"
            }, "2024-08-20")
        }
        add(GroupCreated.with { $0.groupID = "2024-5А/англ-1"; $0.classID = "2024-5А"; $0.name = "англ-1"; $0.subjectID = "eng" },
            "2024-08-20")
        let staff = [("T0001", Scenario.name("Петрова", "Анна", "Ивановна"), UserRole.teacher),
                     ("T0002", Scenario.name("Сидоров", "Олег", "Петрович"), UserRole.teacher),
                     ("T0003", Scenario.name("Кузнецова", "Елена"), UserRole.administration)]
        for (id, name, role) in staff {
            add(StaffHired.with { $0.staffID = id; $0.name = name; $0.hiredOn = "2020-08-25"; $0.position = "учитель" }, "2024-08-20")
            add(RoleGranted.with { $0.staffID = id; $0.role = role }, "2024-08-20")
        }
        // Timetable: maths Mon 1, Wed 2 for 5А; English Tue 3 for the group.
        for (id, weekday, slot, unit, subject, teacher) in [
            ("tt1", 1, 1, "2024-5А", "math", "T0001"), ("tt2", 3, 2, "2024-5А", "math", "T0001"),
            ("tt3", 2, 3, "2024-5А/англ-1", "eng", "T0002"),
        ] {
            add(TimetableEntryAdded.with {
                $0.entryID = id; $0.year = 2024; $0.weekday = Int32(weekday); $0.slot = Int32(slot); $0.unitID = unit
                $0.subjectID = subject; $0.teacherID = teacher; $0.validFrom = "2024-09-02"
            }, "2024-08-25")
        }
    }

    mutating func people() {
        let students = [("S0001", Scenario.name("Иванов", "Иван"), Sex.male, "2024-5А"),
                        ("S0002", Scenario.name("Алексеева", "Мария"), Sex.female, "2024-5А"),
                        ("S0003", Scenario.name("Борисов", "Пётр"), Sex.male, "2024-5А"),
                        ("S0004", Scenario.name("Ёлкина", "Вера"), Sex.female, "2024-5А"),
                        ("S0006", Scenario.name("Григорьева", "Анна"), Sex.female, "2024-5Б")]
        for (id, name, sex, klass) in students {
            add(StudentEnrolled.with {
                $0.studentID = id; $0.name = name; $0.sex = sex; $0.classID = klass; $0.enrolledOn = "2024-09-02"
                $0.orderNumber = "12-у"
            }, "2024-08-30")
        }
        for student in ["S0001", "S0002"] {
            add(StudentAddedToGroup.with { $0.groupID = "2024-5А/англ-1"; $0.studentID = student; $0.on = "2024-09-02" }, "2024-08-30")
        }
        for (guardian, student, name) in [("P0001", "S0001", Scenario.name("Иванова", "Ольга")),
                                          ("P0002", "S0002", Scenario.name("Алексеев", "Сергей")),
                                          ("P0003", "S0003", Scenario.name("Борисова", "Нина"))] {
            add(GuardianRegistered.with { $0.guardianID = guardian; $0.name = name }, "2024-08-30")
            add(GuardianLinked.with { $0.guardianID = guardian; $0.studentID = student; $0.relation = .mother }, "2024-08-30")
        }
    }

    mutating func lesson(
        _ date: String, _ slot: Int32, unit: String = "2024-5А", subject: String = "math", topic: String,
        by teacher: Actor = mathTeacher, entry: String
    ) {
        add(LessonHeld.with {
            $0.lessonID = "\(unit)/\(date)/\(slot)"; $0.date = date; $0.slot = slot; $0.unitID = unit; $0.classID = "2024-5А"
            $0.subjectID = subject; $0.teacherID = teacher.userID; $0.topic = topic; $0.timetableEntryID = entry
        }, date, by: teacher)
    }

    mutating func roll(_ lessonID: String, _ marks: [(String, String)], by teacher: Actor = mathTeacher) {
        add(AttendanceTaken.with {
            $0.lessonID = lessonID
            $0.marks = marks.map { mark in .with { $0.studentID = mark.0; $0.code = mark.1 } }
        }, String(lessonID.split(separator: "/").dropLast().last!), by: teacher)
    }

    mutating func grade(_ id: String, _ lessonID: String, _ student: String, _ value: String, _ workType: String) {
        add(GradeRecorded.with {
            $0.gradeID = id; $0.lessonID = lessonID; $0.studentID = student; $0.value = value
            $0.workTypeID = workType; $0.weight = workType == "test" ? 3 : 1
        }, String(lessonID.split(separator: "/").dropLast().last!), by: mathTeacher)
    }

    mutating func lessons() {
        let l1 = "2024-5А/2024-09-02/1", l2 = "2024-5А/2024-09-04/2", l3 = "2024-5А/2024-09-09/1"
        let l4 = "2024-5А/2024-09-11/2", l5 = "2024-5А/2024-09-16/1", l6 = "2024-5А/2024-09-18/2"
        let e1 = "2024-5А/англ-1/2024-09-03/3"
        lesson("2024-09-02", 1, topic: "Натуральные числа", entry: "tt1")
        roll(l1, [("S0002", "Н")])
        grade("M000001", l1, "S0001", "5", "answer")
        grade("M000002", l1, "S0003", "4", "answer")
        grade("M000003", l1, "S0004", "3", "test")
        lesson("2024-09-03", 3, unit: "2024-5А/англ-1", subject: "eng", topic: "Greetings", by: englishTeacher, entry: "tt3")
        roll(e1, [("S0001", "Н")], by: englishTeacher)
        add(HomeworkAssigned.with { $0.lessonID = e1; $0.text = "Учить слова"; $0.dueOn = "2024-09-13" }, "2024-09-03", by: englishTeacher)
        // No topic at L2: the journal lists it as missing.
        lesson("2024-09-04", 2, topic: "", entry: "tt2")
        roll(l2, [])
        grade("M000004", l2, "S0001", "4", "test")
        grade("M000005", l2, "S0002", "2", "answer")
        grade("M000006", l2, "S0003", "н/а", "answer")
        // No roll at L3.
        lesson("2024-09-09", 1, topic: "Сложение", entry: "tt1")
        grade("M000007", l3, "S0001", "3", "answer")
        add(HomeworkAssigned.with { $0.lessonID = l3; $0.text = "№ 15" }, "2024-09-09", by: mathTeacher)
        // S0005 arrives on the 11th.
        add(StudentArrived.with {
            $0.studentID = "S0005"; $0.name = Scenario.name("Васильев", "Олег"); $0.sex = .male; $0.classID = "2024-5А"
            $0.on = "2024-09-11"; $0.origin = "Школа № 7"; $0.orderNumber = "15-у"
        }, "2024-09-11")
        lesson("2024-09-11", 2, topic: "Вычитание", entry: "tt2")
        roll(l4, [("S0005", "ОП"), ("S0001", "Б")])
        grade("M000008", l4, "S0005", "5", "answer")
        grade("M000009", l4, "S0002", "5", "test")
        // S0003 moves to 5Б on the 16th, S0004 leaves on the 20th.
        add(StudentMoved.with {
            $0.studentID = "S0003"; $0.fromClassID = "2024-5А"; $0.toClassID = "2024-5Б"; $0.on = "2024-09-16"
            $0.orderNumber = "16-у"; $0.reason = "заявление родителей"
        }, "2024-09-16")
        lesson("2024-09-16", 1, topic: "Умножение", entry: "tt1")
        roll(l5, [("S0002", "УП")])
        grade("M000010", l5, "S0001", "5", "test")
        lesson("2024-09-18", 2, topic: "Деление", entry: "tt2")
        roll(l6, [])
        grade("M000011", l6, "S0001", "2", "answer")
        add(StudentLeft.with {
            $0.studentID = "S0004"; $0.classID = "2024-5А"; $0.on = "2024-09-20"; $0.destination = "Гимназия № 2"
            $0.orderNumber = "18-у"; $0.reason = "переезд"
        }, "2024-09-20")
        add(DiaryWeekAcknowledged.with { $0.studentID = "S0001"; $0.guardianID = "P0001"; $0.weekStart = "2024-09-09" },
            "2024-09-15", by: Actor(userID: "P0001", role: "parent"))
    }

    mutating func corrections() {
        add(GradeCorrected.with { $0.gradeID = "M000005"; $0.value = "3"; $0.reason = "ошибка ввода" },
            "2024-09-04", by: mathTeacher, at: "2024-09-05")
        add(GradeVoided.with { $0.gradeID = "M000007"; $0.reason = "не тот ученик" }, "2024-09-09", by: mathTeacher, at: "2024-09-10")
        add(AttendanceCorrected.with {
            $0.lessonID = "2024-5А/2024-09-16/1"; $0.studentID = "S0002"; $0.code = "Н"; $0.reason = "уточнение"
        }, "2024-09-16", by: mathTeacher, at: "2024-09-17")
        add(LessonVoided.with { $0.lessonID = "2024-5А/2024-09-18/2"; $0.reason = "урок не проводился" },
            "2024-09-18", by: admin, at: "2024-09-19")
        // Finals of the first term; the term is closed, reopened for a correction, closed again.
        for (student, subject, value) in [("S0001", "math", "4"), ("S0002", "math", "3"), ("S0005", "math", "5"),
                                          ("S0001", "rus", "5"), ("S0002", "rus", "2"), ("S0005", "rus", "н/а")] {
            add(FinalGradeSet.with {
                $0.studentID = student; $0.classID = "2024-5А"; $0.subjectID = subject; $0.periodID = "2024-T1"; $0.value = value
            }, "2024-10-25", by: mathTeacher)
        }
        add(PeriodClosed.with { $0.periodID = "2024-T1" }, "2024-10-28", by: admin)
        add(PeriodReopened.with { $0.periodID = "2024-T1"; $0.reason = "исправление итоговой" }, "2024-10-29", by: admin)
        add(FinalGradeCorrected.with {
            $0.studentID = "S0002"; $0.classID = "2024-5А"; $0.subjectID = "math"; $0.periodID = "2024-T1"; $0.value = "4"
            $0.reason = "пересмотр"
        }, "2024-10-30", by: admin)
        add(PeriodClosed.with { $0.periodID = "2024-T1" }, "2024-10-31", by: admin)
        add(FinalGradeSet.with {
            $0.studentID = "S0001"; $0.classID = "2024-5А"; $0.subjectID = "math"; $0.periodID = "2024-Y"; $0.value = "4"
        }, "2025-05-25", by: mathTeacher)
    }

    mutating func access() {
        for (person, kind, by) in [("S0001", PersonKind.student, "P0001"), ("P0001", .guardian, ""), ("S0002", .student, "P0002"),
                                   ("P0002", .guardian, ""), ("T0001", .staff, ""), ("T0002", .staff, "")] {
            add(ConsentGiven.with {
                $0.personID = person; $0.personKind = kind; $0.givenByGuardianID = by; $0.givenOn = "2024-09-01"
            }, "2024-09-01")
        }
        for (login, person, kind, date) in [("ivanova", "P0001", PersonKind.guardian, "2024-09-05"),
                                            ("alekseev", "P0002", .guardian, "2024-09-05"),
                                            ("ivanov", "S0001", .student, "2024-09-05"),
                                            ("petrova", "T0001", .staff, "2024-09-01"),
                                            ("sidorov", "T0002", .staff, "2024-09-01")] {
            add(LoginIssued.with { $0.login = login; $0.personID = person; $0.personKind = kind }, date)
        }
        add(LoginActivated.with { $0.login = "ivanova" }, "2024-09-06", by: Actor(userID: "P0001", role: "parent"))
        add(LoginActivated.with { $0.login = "petrova" }, "2024-09-02", by: mathTeacher)
        add(ParentApplicationRegistered.with {
            $0.applicationID = "A1"; $0.guardianID = "P0001"; $0.studentID = "S0001"; $0.registeredOn = "2024-09-03"
        }, "2024-09-03")
        add(ParentApplicationRegistered.with {
            $0.applicationID = "A2"; $0.guardianID = "P0003"; $0.studentID = "S0003"; $0.registeredOn = "2024-09-03"
        }, "2024-09-03")
        // P0002 withdraws the consent on the 20th: the login is blocked.
        add(ConsentWithdrawn.with { $0.personID = "P0002"; $0.withdrawnOn = "2024-09-20"; $0.personKind = .guardian }, "2024-09-20")
        add(LoginBlocked.with { $0.login = "alekseev"; $0.reason = "согласие отозвано" }, "2024-09-20")
        for (login, date, actor) in [("petrova", "2024-09-06", mathTeacher), ("petrova", "2024-09-06", mathTeacher),
                                     ("ivanova", "2024-09-06", Actor(userID: "P0001", role: "parent")),
                                     ("ivanov", "2024-09-06", Actor(userID: "S0001", role: "student")),
                                     ("ivanova", "2024-09-07", Actor(userID: "P0001", role: "parent"))] {
            add(SignedIn.with { $0.login = login }, date, by: actor)
        }
    }
}
