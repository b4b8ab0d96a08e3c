// The answer page: autosave, conflicts, list rows, previews and time boxes.
//
// The page works without this file (every button posts the form). With it:
// - the whole form is saved ~2 s after typing stops and when a field loses
//   focus, with the version the page holds; the server answers 409 when the
//   work was saved elsewhere, and the conflict panel it sends is shown;
// - failed saves keep the text and retry with exponential back-off, and a
//   copy of unsaved answers is kept in localStorage until the server has them;
// - list prompts get "Add" and "Remove" buttons, time boxes get a timer;
// - after a refused submit whose answers were kept, the address becomes the
//   answer page's, so reloading does not post the old form again.
(function () {
  "use strict";

  var SAVE_DELAY = 2000;
  var FIRST_RETRY = 2000;
  var LAST_RETRY = 60000;
  var COPY_PREFIX = "cohort-courses:answers:";

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  // ---- Reading and filling the form as {slug: answer}, the server's shape ----

  function promptBoxes(form) {
    return form.querySelectorAll("[data-prompt]");
  }

  function readAnswers(form) {
    var answers = {};
    each(promptBoxes(form), function (box) {
      var slug = box.dataset.prompt;
      var kind = box.dataset.kind;
      if (kind === "text") {
        answers[slug] = box.querySelector("textarea").value;
      } else if (kind === "list") {
        answers[slug] = [];
        each(box.querySelectorAll("[data-row] input"), function (input) {
          if (input.value.trim()) answers[slug].push(input.value);
        });
      } else {
        answers[slug] = [];
        each(box.querySelectorAll("[data-row]"), function (row) {
          var inputs = row.querySelectorAll("input");
          var title = inputs[0].value;
          var date = inputs[1].value;
          if (title.trim() || date.trim()) answers[slug].push({ title: title, date: date });
        });
      }
    });
    return answers;
  }

  function fillAnswers(form, answers) {
    each(promptBoxes(form), function (box) {
      var value = answers[box.dataset.prompt];
      var kind = box.dataset.kind;
      if (kind === "text") {
        box.querySelector("textarea").value = typeof value === "string" ? value : "";
        return;
      }
      var rows = Array.isArray(value) ? value : [];
      each(box.querySelectorAll("[data-row]"), function (row) { row.remove(); });
      rows.forEach(function (item) {
        var row = addRow(box);
        var inputs = row.querySelectorAll("input");
        if (kind === "list") {
          inputs[0].value = typeof item === "string" ? item : "";
        } else if (item && typeof item === "object") {
          inputs[0].value = item.title || "";
          inputs[1].value = item.date || "";
        }
      });
      addRow(box); // always somewhere to type the next one
    });
  }

  // ---- List rows ----

  var rowCounter = 0;

  function renumber(box) {
    var noun = box.dataset.kind === "list" ? "item" : "milestone";
    each(box.querySelectorAll("[data-row]"), function (row, index) {
      each(row.querySelectorAll("[data-number]"), function (span) {
        span.textContent = String(index + 1);
      });
      var remove = row.querySelector("[data-remove-row]");
      if (remove) remove.setAttribute("aria-label", "Remove " + noun + " " + (index + 1));
    });
  }

  function addRow(box, after) {
    var template = box.querySelector("template[data-row-template]");
    var list = box.querySelector("[data-items]");
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector("[data-row]");
    rowCounter += 1;
    each(row.querySelectorAll("[id], [for]"), function (el) {
      ["id", "for"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) el.setAttribute(attribute, value.replace("__row__", "new" + rowCounter));
      });
    });
    each(row.querySelectorAll("[data-js-only]"), function (el) { el.hidden = false; });
    if (after && after.nextSibling) list.insertBefore(row, after.nextSibling);
    else list.appendChild(row);
    renumber(box);
    return row;
  }

  function removeRow(box, row) {
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-row]"));
    var index = rows.indexOf(row);
    row.remove();
    renumber(box);
    // Keep keyboard focus nearby: the next row, else the previous, else "Add".
    var left = box.querySelectorAll("[data-row]");
    var next = left[Math.min(index, left.length - 1)];
    (next ? next.querySelector("input") : box.querySelector("[data-add-row]")).focus();
  }

  // ---- Timers: a suggestion, never a lock ----

  function setupTimer(timer) {
    var total = parseInt(timer.dataset.timer, 10) * 60;
    var display = timer.querySelector("[data-timer-display]");
    var toggle = timer.querySelector("[data-timer-toggle]");
    var reset = timer.querySelector("[data-timer-reset]");
    var announce = timer.querySelector("[data-timer-announce]");
    var left = total;
    var endsAt = null;
    var tick = null;
    var warned = false;

    function show() {
      var seconds = Math.max(0, Math.ceil(left));
      var mm = Math.floor(seconds / 60);
      var ss = seconds % 60;
      display.textContent = (mm < 10 ? "0" : "") + mm + ":" + (ss < 10 ? "0" : "") + ss;
    }
    function stop() {
      clearInterval(tick);
      tick = null;
      endsAt = null;
      toggle.textContent = "Start";
    }
    function step() {
      left = (endsAt - Date.now()) / 1000;
      if (!warned && total > 60 && left <= 60 && left > 0) {
        warned = true;
        announce.textContent = "One minute left.";
      }
      if (left <= 0) {
        left = 0;
        stop();
        timer.classList.add("is-done");
        announce.textContent = "Time is up. Finish your thought; you can keep writing.";
      }
      show();
    }
    toggle.addEventListener("click", function () {
      if (tick) {
        step();
        stop();
        announce.textContent = "Timer paused.";
        return;
      }
      if (left <= 0) left = total;
      timer.classList.remove("is-done");
      endsAt = Date.now() + left * 1000;
      tick = setInterval(step, 250);
      toggle.textContent = "Pause";
      announce.textContent = "Timer started.";
    });
    reset.addEventListener("click", function () {
      stop();
      left = total;
      warned = false;
      timer.classList.remove("is-done");
      announce.textContent = "Timer reset.";
      show();
    });
  }

  // ---- Previews (htmx posts; this only makes the button a toggle) ----

  function setupPreviews(form) {
    form.addEventListener("htmx:confirm", function (event) {
      var button = event.target.closest ? event.target.closest("[data-preview]") : null;
      if (!button || button.getAttribute("aria-pressed") !== "true") return;
      event.preventDefault(); // showing: hide instead of fetching again
      button.setAttribute("aria-pressed", "false");
      document.getElementById(button.getAttribute("aria-controls")).hidden = true;
    });
    form.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail.target;
      if (!target || !target.classList.contains("preview")) return;
      target.hidden = false;
      var button = form.querySelector('[data-preview][aria-controls="' + target.id + '"]');
      if (button) button.setAttribute("aria-pressed", "true");
    });
  }

  // ---- Autosave ----

  function Saver(form) {
    this.form = form;
    this.url = form.dataset.saveUrl;
    this.status = form.querySelector("#save-status");
    this.versionInput = form.querySelector('input[name="version"]');
    this.conflictLink = form.querySelector("[data-conflict-link]");
    this.copyKey = COPY_PREFIX + form.dataset.storageKey;
    this.dirty = false;
    this.saving = false;
    this.again = false;
    this.blocked = false; // after a conflict, until the person chooses
    this.leaving = false;
    this.retrying = false; // waiting to try a failed save again
    this.timer = null;
    this.copyTimer = null;
    this.retryDelay = 0;
    this.submitAfterSave = null;
    this.submitting = false;
    this.conflict = null; // the server's answer to the save that conflicted
  }

  Saver.prototype.say = function (text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  Saver.prototype.changed = function () {
    this.dirty = true;
    var saver = this;
    clearTimeout(this.copyTimer);
    this.copyTimer = setTimeout(function () { saver.keepCopy(); }, 300);
    if (this.blocked || this.retrying) return; // the status line says what is going on
    this.say("Unsaved changes");
    this.later(SAVE_DELAY);
  };

  Saver.prototype.later = function (delay) {
    var saver = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { saver.save(); }, delay);
  };

  Saver.prototype.save = function (force) {
    if (this.blocked) {
      if (force) this.say("Saved elsewhere — choose a version below first");
      return;
    }
    if (this.retrying && !force) return;
    clearTimeout(this.timer);
    if (this.saving) {
      this.again = true;
      return;
    }
    if (!this.dirty && !force) return;
    var saver = this;
    var body = new FormData(this.form);
    this.saving = true;
    this.retrying = false;
    this.dirty = false;
    this.say("Saving…");
    fetch(this.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") || "" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("application/json") === -1) {
          return { response: response, data: null };
        }
        return response.json().then(function (data) {
          return { response: response, data: data };
        });
      })
      .then(function (result) { saver.answered(result.response, result.data); })
      .catch(function () { saver.failed("Not saved — no connection"); });
  };

  Saver.prototype.answered = function (response, data) {
    this.saving = false;
    var again = this.again;
    this.again = false;
    if (response.ok && data) {
      this.setVersion(data.version);
      this.retryDelay = 0;
      clearProblems(this.form);
      if (this.dirty) {
        // Typed while the save was on its way: save that too.
        this.say("Unsaved changes");
        this.keepCopy();
        this.later(again ? 0 : SAVE_DELAY);
      } else {
        this.say("All changes saved at " + data.saved_at_display);
        this.dropCopies();
      }
      if (this.submitAfterSave) {
        var button = this.submitAfterSave;
        this.submitAfterSave = null;
        button.disabled = false;
        this.form.requestSubmit(button);
      }
      return;
    }
    this.dirty = true;
    this.cancelSubmit();
    this.keepCopy();
    if (response.status === 409 && data) {
      this.blocked = true;
      this.conflict = data;
      var slot = this.form.querySelector("[data-conflict-slot]");
      slot.innerHTML = data.html; // drawn by the server, every piece of text escaped
      this.conflictLink.hidden = false;
      this.say("Saved elsewhere — see below");
      return;
    }
    if (response.status === 400) {
      // Nothing to retry until the text changes.
      if (data) {
        showProblems(this.form, data.problems || []);
        this.say("Not saved — " + data.error);
      } else {
        this.say("Not saved — the answers are too large to send. Shorten the longest one.");
      }
      return;
    }
    if (response.redirected || response.status === 403) {
      this.failed("Not saved — you seem to be signed out; sign in again in another tab");
      return;
    }
    this.failed("Not saved");
  };

  Saver.prototype.failed = function (reason) {
    var saver = this;
    this.saving = false;
    this.again = false;
    this.dirty = true;
    this.cancelSubmit();
    this.keepCopy();
    this.retryDelay = this.retryDelay ? Math.min(this.retryDelay * 2, LAST_RETRY) : FIRST_RETRY;
    this.retrying = true;
    var seconds = Math.round(this.retryDelay / 1000);
    this.say(reason + " — retrying in " + seconds + " seconds. Your text stays in this page.");
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { saver.save(true); }, this.retryDelay);
  };

  Saver.prototype.cancelSubmit = function () {
    if (!this.submitAfterSave) return;
    this.submitAfterSave.disabled = false;
    this.submitAfterSave = null;
  };

  Saver.prototype.setVersion = function (version) {
    this.versionInput.value = String(version);
  };

  Saver.prototype.keepMine = function (version) {
    this.setVersion(version);
    this.closeConflict();
    this.dirty = true;
    this.save(true);
  };

  Saver.prototype.useSaved = function () {
    var data = this.conflict;
    if (!data) return;
    fillAnswers(this.form, data.answers || {});
    this.setVersion(data.version);
    this.closeConflict();
    this.dirty = false;
    this.dropCopies();
    clearProblems(this.form);
    this.say("Showing the version saved at " + data.saved_at_display);
  };

  Saver.prototype.closeConflict = function () {
    this.blocked = false;
    this.conflict = null;
    this.form.querySelector("[data-conflict-slot]").innerHTML = "";
    this.conflictLink.hidden = true;
  };

  // The copy in localStorage is keyed by submission and by the version the
  // unsaved text was based on, so an old copy is never mistaken for a new one.
  Saver.prototype.keepCopy = function () {
    try {
      this.dropCopies();
      localStorage.setItem(
        this.copyKey + ":v" + this.versionInput.value,
        JSON.stringify({ version: Number(this.versionInput.value), at: Date.now(), answers: readAnswers(this.form) })
      );
    } catch (e) {
      // Storage full or switched off: the server copy and the page still hold the text.
    }
  };

  Saver.prototype.copies = function () {
    var found = [];
    try {
      for (var i = 0; i < localStorage.length; i += 1) {
        var key = localStorage.key(i);
        if (key && key.indexOf(this.copyKey + ":v") === 0) found.push(key);
      }
    } catch (e) {
      return [];
    }
    return found;
  };

  Saver.prototype.dropCopies = function () {
    try {
      this.copies().forEach(function (key) { localStorage.removeItem(key); });
    } catch (e) {
      // nothing to do
    }
  };

  Saver.prototype.offerCopy = function () {
    var saver = this;
    var newest = null;
    this.copies().forEach(function (key) {
      try {
        var copy = JSON.parse(localStorage.getItem(key));
        if (copy && copy.answers && (!newest || copy.at > newest.at)) newest = copy;
      } catch (e) {
        // unreadable copy: ignore
      }
    });
    if (!newest) return;
    if (JSON.stringify(newest.answers) === JSON.stringify(readAnswers(this.form))) {
      this.dropCopies(); // the server has it already
      return;
    }
    var offer = this.form.querySelector("[data-restore-offer]");
    offer.querySelector("[data-restore-when]").textContent = new Date(newest.at).toLocaleString();
    offer.hidden = false;
    offer.querySelector("[data-restore]").addEventListener("click", function () {
      fillAnswers(saver.form, newest.answers);
      offer.hidden = true;
      saver.changed();
      saver.save();
    });
    offer.querySelector("[data-discard]").addEventListener("click", function () {
      saver.dropCopies();
      offer.hidden = true;
    });
  };

  function clearProblems(form) {
    each(form.querySelectorAll("[data-problems]"), function (list) { list.innerHTML = ""; });
    each(form.querySelectorAll('[aria-invalid="true"]'), function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showProblems(form, problems) {
    clearProblems(form);
    problems.forEach(function (problem) {
      var list = document.getElementById("problems-" + problem.prompt);
      if (!list) return;
      var item = document.createElement("li");
      item.textContent = problem.message; // text, never HTML
      list.appendChild(item);
      var box = document.getElementById("prompt-" + problem.prompt);
      var field = box && box.querySelector("textarea, input");
      if (field) field.setAttribute("aria-invalid", "true");
    });
  }

  function isAnswerField(el) {
    return el && el.name && el.name.indexOf("a.") === 0;
  }

  function init() {
    // After a refused post the page opens on what needs fixing.
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    each(document.querySelectorAll("[data-timer]"), setupTimer);
    var form = document.querySelector("form[data-answer-form]");
    if (!form) return;
    if (form.dataset.reloadUrl) {
      // Drawn in answer to a post whose answers are all saved: a reload should
      // open the saved work, not send the old form again (which, once autosave
      // has moved on, would look like a save from another tab).
      history.replaceState(history.state, "", form.dataset.reloadUrl);
    }
    each(form.querySelectorAll("[data-js-only]"), function (el) { el.hidden = false; });
    each(form.querySelectorAll("[data-no-js]"), function (el) { el.hidden = true; });
    setupPreviews(form);

    var saver = new Saver(form);
    if (form.querySelector("[data-conflict]")) saver.blocked = true; // drawn by the server

    form.addEventListener("input", function (event) {
      if (!isAnswerField(event.target)) return;
      saver.changed();
    });
    form.addEventListener("focusout", function (event) {
      if (isAnswerField(event.target) && saver.dirty) saver.save();
    });

    form.addEventListener("keydown", function (event) {
      // Enter in a list item starts the next item instead of posting the form.
      var row = event.target.closest && event.target.closest('[data-kind="list"] [data-row]');
      if (event.key !== "Enter" || !row || event.target.tagName !== "INPUT") return;
      event.preventDefault();
      var box = row.closest("[data-prompt]");
      var next = row.nextElementSibling;
      var input = next && next.querySelector("input");
      if (!input || input.value) input = addRow(box, row).querySelector("input");
      input.focus();
    });

    form.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("button, a") : null;
      if (!target || !form.contains(target)) return;
      var box = target.closest("[data-prompt]");
      if (target.hasAttribute("data-add-row")) {
        addRow(box).querySelector("input").focus();
      } else if (target.hasAttribute("data-remove-row")) {
        removeRow(box, target.closest("[data-row]"));
        saver.changed();
      } else if (target.hasAttribute("data-keep-mine")) {
        event.preventDefault();
        saver.keepMine(target.value);
      } else if (target.hasAttribute("data-use-saved") && saver.conflict) {
        event.preventDefault();
        saver.useSaved();
      }
    });

    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.hasAttribute("data-save-draft")) {
        event.preventDefault();
        saver.save(true);
        return;
      }
      if (button.hasAttribute("data-keep-mine")) {
        event.preventDefault();
        return; // handled on click
      }
      if (button.hasAttribute("data-submit")) {
        if (saver.submitting) {
          event.preventDefault();
          return;
        }
        if (saver.saving) {
          // Let the save finish first, so the submission carries its version.
          event.preventDefault();
          saver.submitAfterSave = button;
          button.disabled = true;
          return;
        }
        clearTimeout(saver.timer);
        saver.submitting = true;
        saver.leaving = true;
        // Disabled only after the browser has read the form, or the button's
        // own submission would be cancelled.
        setTimeout(function () {
          button.disabled = true;
          button.textContent = "Submitting…";
        }, 0);
        return;
      }
      saver.leaving = true; // e.g. Preview without htmx: a normal post of the whole form
    });

    window.addEventListener("beforeunload", function (event) {
      if (saver.leaving) return;
      if (saver.dirty || saver.saving) {
        saver.keepCopy();
        event.preventDefault();
        event.returnValue = "";
      }
    });

    saver.offerCopy();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
