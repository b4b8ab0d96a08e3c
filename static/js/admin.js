// Names for the Django admin's controls that have none.
//
// The admin lays some controls out without a <label>: in tabular inlines and
// editable change lists each sits in a table cell under a column heading, and
// a date-and-time field is two inputs behind one label that points at
// neither. A screen reader then announces just "edit text" or "combo box".
// Each such control gets an aria-label from what a sighted person reads
// beside it: the column heading and the row's object, or the field's label and
// "Date"/"Time". The admin's filter boxes put an aria-label on a plain <span>,
// where it is not allowed; those spans are icons, so they get role="img".
(function () {
  "use strict";

  var CONTROLS = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function hasName(control) {
    if (control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")) return true;
    return Boolean(control.id && document.querySelector('label[for="' + CSS.escape(control.id) + '"]'))
      || Boolean(control.closest("label"));
  }

  // The heading of the column a table cell is in (the admin's tables have no
  // spanning cells in their bodies).
  function columnHeading(cell) {
    var table = cell.closest("table");
    var headings = table && table.tHead ? table.tHead.rows[0].cells : [];
    return text(headings[cell.cellIndex]);
  }

  // What the row is about: the object's name in an inline, the linked name
  // in a change list.
  function rowName(row) {
    var original = row.querySelector("td.original p");
    var title = row.querySelector("th");
    return text(original) || text(title);
  }

  function nameFromTable(control) {
    var cell = control.closest("td");
    if (!cell) return "";
    var heading = columnHeading(cell);
    var row = rowName(cell.parentElement);
    if (!heading) return "";
    return row ? heading + " (" + row + ")" : heading;
  }

  // "Date:" or "Time:" written just before the input, and the field's label.
  function nameFromDateTime(control) {
    var box = control.closest("p.datetime");
    if (!box) return "";
    var part = "";
    for (var node = control.previousSibling; node; node = node.previousSibling) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
        part = text(node);
        break;
      }
    }
    var row = box.closest(".form-row, .fieldBox, td");
    var label = row && row.querySelector("label");
    var field = label ? text(label) : (row && row.tagName === "TD" ? columnHeading(row) : "");
    return [field, part.toLowerCase()].filter(Boolean).join(": ");
  }

  function nameControls(root) {
    root.querySelectorAll(CONTROLS).forEach(function (control) {
      if (hasName(control)) return;
      var name = nameFromDateTime(control) || nameFromTable(control);
      if (name) control.setAttribute("aria-label", name);
    });
    root.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // The filter boxes and date shortcuts are drawn on "load"; new inline rows
  // arrive with "formset:added".
  window.addEventListener("load", function () { nameControls(document); });
  document.addEventListener("formset:added", function (event) { nameControls(event.target); });
})();
