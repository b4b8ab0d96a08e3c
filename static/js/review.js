// The peer review page. Autosave: the form is saved as a draft a moment after
// typing stops and when a field loses focus, with the version this page holds.
// The server refuses a save from a page that is out of date (another tab saved
// since), and this says so instead of overwriting. Without JavaScript the
// "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form || !window.fetch) return;
  var status = document.getElementById("save-status");
  var version = form.querySelector("input[name=version]");
  var DELAY = 1500, RETRY = 10000;
  var timer = null, inFlight = false, dirty = false, stopped = false, waitingSubmit = null;

  function show(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  function schedule(delay) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function changed() {
    if (stopped) return;
    dirty = true;
    show("Changes not saved yet…", "dirty");
    schedule(DELAY);
  }

  function afterSave() {
    inFlight = false;
    if (waitingSubmit) {
      var button = waitingSubmit;
      waitingSubmit = null;
      form.requestSubmit(button);
    }
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (stopped || !dirty) return;
    if (inFlight) { schedule(DELAY); return; }
    dirty = false;
    inFlight = true;
    show("Saving…", "saving");
    fetch(form.dataset.saveUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { code: response.status, body: body }; });
      })
      .then(function (result) {
        if (result.code === 200) {
          version.value = result.body.version;
          if (!dirty) show("Draft saved at " + result.body.saved_at_display + ".", "saved");
        } else if (result.code === 409 || result.body.final) {
          stopped = true;
          show("Not saved: " + result.body.error + " Copy anything you want to keep first.", "error");
        } else {
          dirty = true;
          show("Not saved: " + (result.body.error || "something went wrong."), "error");
        }
        afterSave();
      })
      .catch(function () {
        dirty = true;
        show("Not saved: the connection failed. Your text is still here; trying again shortly.", "error");
        schedule(RETRY);
        afterSave();
      });
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () { if (dirty) save(); });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      // Wait for the save in progress, so the form carries the version it produced.
      event.preventDefault();
      waitingSubmit = event.submitter || null;
      return;
    }
    stopped = true;
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if ((dirty || inFlight) && !stopped) event.preventDefault();
  });
})();
