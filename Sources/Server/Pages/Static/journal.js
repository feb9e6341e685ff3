// Keyboard entry into the class journal's grid. The page works without it
// (each column has its own form); this only adds: arrows move between cells,
// a digit 1–5 sets a mark in the cell and moves to the next student, Enter
// saves every mark typed, all or none, through the journal's API; Esc or
// Backspace takes back the cell's typed mark. No inline script: CSP allows
// only the journal's own files.
(function () {
  "use strict";
  var table = document.getElementById("journal");
  var status = document.getElementById("journal-status");
  var workType = document.getElementById("entry-work-type");
  if (!table || !workType) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var grid = rows.map(function (row) { return Array.prototype.slice.call(row.cells); });

  function open(cell) { return cell && cell.hasAttribute("data-lesson"); }

  function position(cell) {
    for (var r = 0; r < grid.length; r++) {
      var c = grid[r].indexOf(cell);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  function focus(cell) {
    table.querySelectorAll("td[tabindex='0']").forEach(function (other) { other.setAttribute("tabindex", "-1"); });
    cell.setAttribute("tabindex", "0");
    cell.focus();
  }

  // The next open cell from (r, c) in a direction, skipping closed ones.
  function step(r, c, dr, dc) {
    for (;;) {
      r += dr;
      c += dc;
      if (r < 0 || r >= grid.length || c < 0 || c >= grid[r].length) return null;
      if (open(grid[r][c])) return grid[r][c];
    }
  }

  function say(text, refused) {
    status.textContent = text;
    status.className = refused ? "status refusal" : "status notice";
  }

  function pending(cell) { return cell.querySelector(".pending"); }

  function setPending(cell, value) {
    var mark = pending(cell);
    if (!value) {
      if (mark) mark.remove();
      return;
    }
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "pending";
      cell.appendChild(mark);
    }
    mark.textContent = value;
    mark.title = "набрано, не сохранено";
  }

  function typed() {
    return Array.prototype.slice.call(table.querySelectorAll("td .pending")).map(function (mark) {
      var cell = mark.parentNode;
      return { cell: cell, grade: { lesson: cell.getAttribute("data-lesson"), student: cell.getAttribute("data-student"),
                                    value: mark.textContent, workType: workType.value } };
    });
  }

  function save() {
    var entries = typed();
    if (entries.length === 0) {
      say("Нечего сохранять: наберите оценку в клетке.", true);
      return;
    }
    say("Сохраняю…", false);
    fetch("/api/v1/grades", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": table.getAttribute("data-csrf") },
      body: JSON.stringify(entries.map(function (entry) { return entry.grade; }))
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok) {
        entries.forEach(function (entry) {
          var mark = pending(entry.cell);
          mark.className = "m saved";
          mark.title = "сохранено";
        });
        say("Сохранено оценок: " + entries.length + ".", false);
        return;
      }
      var error = answer.body && answer.body.error;
      var lines = error && error.failures ? error.failures.map(function (f) { return f.message; }) : [];
      say("Не сохранено ни одной оценки. " + (error ? (error.detail ? error.record + ": " + error.detail + ". " + (error.remedy || "")
                                                                     : error.message) : "") + (lines.length ? " " + lines.join(" ") : ""), true);
    }).catch(function () {
      say("Сервер не ответил; оценки не сохранены. Нажмите Enter ещё раз.", true);
    });
  }

  table.addEventListener("click", function (event) {
    var cell = event.target.closest("td");
    if (open(cell) && event.target.tagName !== "A") focus(cell);
  });

  table.addEventListener("keydown", function (event) {
    var cell = event.target.closest("td");
    if (!open(cell) || event.altKey || event.ctrlKey || event.metaKey) return;
    // Enter on a mark's link opens its history, as links do.
    if (event.key === "Enter" && event.target.tagName === "A") return;
    var at = position(cell);
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    var next = null;
    if (moves[event.key]) {
      next = step(at[0], at[1], moves[event.key][0], moves[event.key][1]);
    } else if (/^[1-5]$/.test(event.key)) {
      setPending(cell, event.key);
      next = step(at[0], at[1], 1, 0);
    } else if (event.key === "Backspace" || event.key === "Delete" || event.key === "Escape") {
      setPending(cell, "");
    } else if (event.key === "Enter") {
      save();
    } else {
      return;
    }
    event.preventDefault();
    if (next) focus(next);
  });

  // The first open cell takes the keyboard's focus by Tab.
  var first = table.querySelector("td[data-lesson]");
  if (first) first.setAttribute("tabindex", "0");
})();
