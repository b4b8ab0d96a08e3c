// The availability grid, enhanced: drag to tick or untick a block of times,
// move with the arrow keys, quick actions, a live count and an unsaved-changes
// warning. Without this file the grid is a plain form of checkboxes.
(function () {
  "use strict";

  var CELL_HOURS = 0.5;
  var WEEKDAYS = [1, 2, 3, 4]; // Tuesday to Friday, copied from Monday (column 0)

  function enhance(form) {
    var table = form.querySelector("table.week-grid");
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("input[type=checkbox]"));
    });
    var boxes = [].concat.apply([], rows);
    if (!boxes.length || boxes[0].disabled) return;

    var where = new Map();
    rows.forEach(function (row, r) {
      row.forEach(function (box, c) { where.set(box, { r: r, c: c }); });
    });
    var status = form.querySelector("#hours-selected");
    var unsaved = form.querySelector("[data-unsaved]");
    var maxCohorts = form.querySelector("select[name=max_cohorts]");
    var startUnsaved = form.hasAttribute("data-start-unsaved");
    var saved = snapshotKey();
    var submitting = false;

    var tools = form.querySelector("[data-grid-tools]");
    tools.hidden = false;
    table.setAttribute("aria-describedby", "grid-help");

    // Roving tabindex: the grid is one stop in the tab order, arrows move within it.
    var current = boxes.filter(function (b) { return b.checked; })[0] || boxes[0];
    boxes.forEach(function (b) { b.tabIndex = b === current ? 0 : -1; });

    function focusCell(box) {
      if (current !== box) {
        current.tabIndex = -1;
        box.tabIndex = 0;
        current = box;
      }
      box.focus();
    }

    function snapshotKey() {
      return boxes.map(function (b) { return b.checked ? "1" : "0"; }).join("") +
        (maxCohorts ? maxCohorts.value : "");
    }

    function states() {
      return boxes.map(function (b) { return b.checked; });
    }

    function isDirty() {
      return startUnsaved || snapshotKey() !== saved;
    }

    function update() {
      var hours = boxes.filter(function (b) { return b.checked; }).length * CELL_HOURS;
      var text = hours + " hour" + (hours === 1 ? "" : "s") + " a week selected";
      if (status.textContent !== text) status.textContent = text;
      unsaved.hidden = !isDirty();
    }

    // Give every cell in the rectangle between two corners one setting; cells
    // outside it go back to how they were when the gesture began, so the
    // rectangle can grow and shrink while dragging.
    function paint(from, to, value, before) {
      var a = where.get(from), b = where.get(to);
      var top = Math.min(a.r, b.r), bottom = Math.max(a.r, b.r);
      var left = Math.min(a.c, b.c), right = Math.max(a.c, b.c);
      boxes.forEach(function (box, i) {
        var p = where.get(box);
        var inside = p.r >= top && p.r <= bottom && p.c >= left && p.c <= right;
        box.checked = inside ? value : before[i];
      });
      update();
    }

    function cellAt(node) {
      var td = node && node.closest ? node.closest(".week-grid td") : null;
      var box = td && td.querySelector("input[type=checkbox]");
      return box && where.has(box) ? box : null;
    }

    // Pointer: press to tick or untick a cell, drag to do the same to a block.
    // Touch keeps the browser's own tap and scroll, so the page still scrolls.
    var drag = null;
    var pressed = null;
    table.addEventListener("pointerdown", function (event) {
      var box = cellAt(event.target);
      if (!box || event.button !== 0 || event.pointerType === "touch") return;
      event.preventDefault();
      pressed = box;
      drag = { anchor: box, last: box, value: !box.checked, before: states() };
      focusCell(box);
      paint(box, box, drag.value, drag.before);
    });
    document.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var box = cellAt(document.elementFromPoint(event.clientX, event.clientY));
      if (box && box !== drag.last) {
        drag.last = box;
        paint(drag.anchor, box, drag.value, drag.before);
      }
    });
    function endDrag() { drag = null; }
    document.addEventListener("pointerup", endDrag);
    document.addEventListener("pointercancel", endDrag);
    // The press already set the cell; stop the click that follows from undoing it.
    table.addEventListener("click", function (event) {
      if (event.detail > 0 && event.target === pressed) event.preventDefault();
      pressed = null;
    });

    // Keyboard: arrows move, Space ticks (the checkbox's own behaviour),
    // Shift with an arrow spreads the setting of the cell where it began.
    var stretch = null;
    var MOVES = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      PageUp: [-6, 0], PageDown: [6, 0],
    };
    table.addEventListener("keydown", function (event) {
      var box = cellAt(event.target);
      if (!box) return;
      pressed = null;
      var p = where.get(box), r = p.r, c = p.c;
      if (MOVES[event.key]) {
        r += MOVES[event.key][0];
        c += MOVES[event.key][1];
      } else if (event.key === "Home") {
        c = 0;
        if (event.ctrlKey) r = 0;
      } else if (event.key === "End") {
        c = rows[0].length - 1;
        if (event.ctrlKey) r = rows.length - 1;
      } else {
        return;
      }
      event.preventDefault();
      r = Math.max(0, Math.min(rows.length - 1, r));
      c = Math.max(0, Math.min(rows[0].length - 1, c));
      var target = rows[r][c];
      if (event.shiftKey) {
        var spread = stretch || { anchor: box, value: box.checked, before: states() };
        focusCell(target);
        stretch = spread;
        paint(spread.anchor, target, spread.value, spread.before);
      } else {
        stretch = null;
        focusCell(target);
      }
    });
    table.addEventListener("keyup", function (event) {
      if (event.key === "Shift") stretch = null;
    });
    table.addEventListener("focusout", function (event) {
      if (!table.contains(event.relatedTarget)) stretch = null;
    });

    table.addEventListener("change", update);
    if (maxCohorts) maxCohorts.addEventListener("change", update);

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      if (button.dataset.action === "copy-monday") {
        rows.forEach(function (row) {
          WEEKDAYS.forEach(function (c) { row[c].checked = row[0].checked; });
        });
      } else if (button.dataset.action === "clear") {
        boxes.forEach(function (b) { b.checked = false; });
      }
      update();
    });

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && isDirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    update();
  }

  function start() {
    document.querySelectorAll("form[data-availability]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
