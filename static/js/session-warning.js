/* A staff session ends after a time without a request (STAFF_SESSION_IDLE_SECONDS) and
 * after STAFF_SESSION_MAX_SECONDS in all. Typing is no request, so warn before
 * (STAFF_SESSION_WARNING_SECONDS, WCAG 2.2.1): "Stay logged in" posts to the session
 * endpoint, which counts as a request; near the absolute limit the warning only says so.
 * Before warning, and before saying the session ended, the script asks the endpoint (GET:
 * the seconds left, which is no request that counts): a request in another tab moves the
 * time for every tab, and a warning here never logs anyone out.
 * The dialog's markup and texts: templates/includes/session_warning.html (staff only). */
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var form = dialog.querySelector("form");
  var warnBefore = Number(dialog.dataset.warnBefore) * 1000;
  var RECHECK = 15000; // while a warning shows: did another tab keep the session?
  var timer = null;
  var shown = ""; // "", "idle", "max" or "ended"
  var returnTo = null;
  var maxClosed = false; // the absolute limit's warning, once closed, is not shown again

  function schedule(left) {
    clearTimeout(timer);
    var ms = Math.min(left.idle, left.max) * 1000;
    var kind = left.max <= left.idle ? "max" : "idle";
    if (ms <= warnBefore && !(kind === "max" && maxClosed)) {
      show(kind);
      timer = setTimeout(check, Math.min(ms + 1000, RECHECK));
    } else {
      hide();
      timer = setTimeout(check, ms > warnBefore ? ms - warnBefore : ms + 1000);
    }
  }

  function check() {
    clearTimeout(timer);
    if (shown === "ended") return;
    fetch(form.action, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        // Ended: the server sends the request to the login page (404: someone who is not
        // staff logged in in another tab).
        if (response.type === "opaqueredirect" || response.status === 404) return null;
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (left) {
        if (left) schedule(left); else end();
      }, function () {
        timer = setTimeout(check, RECHECK); // offline or a server error: ask again
      });
  }

  function show(kind) {
    if (shown === kind) return;
    if (!shown) returnTo = document.activeElement;
    if (dialog.open) dialog.close();
    dialog.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.dataset.when !== kind;
    });
    shown = kind;
    // Ended: not modal, so what was typed can still be selected and copied.
    if (kind === "ended") dialog.show(); else dialog.showModal();
    dialog.querySelector("[data-when='" + kind + "']:not(span)").focus();
  }

  function hide() {
    if (!shown) return;
    shown = "";
    dialog.close();
    if (returnTo && document.contains(returnTo) && returnTo !== document.body) returnTo.focus();
    returnTo = null;
  }

  function end() {
    show("ended");
    // A form sent now would only reach the login page: nothing in it would be saved.
    document.querySelectorAll("main form button, main form input[type=submit]").forEach(
      function (button) { button.disabled = true; }
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(check, check); // whatever the answer, the seconds left say what happened
  });
  dialog.querySelector("[data-close]").addEventListener("click", function () {
    maxClosed = true;
    hide();
  });
  // Escape: the warning's own action (stay logged in, or close), never a silent dismissal.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (shown === "idle") form.requestSubmit(); else if (shown === "max") dialog.querySelector("[data-close]").click();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") check();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) check();
  });
  schedule({ idle: Number(dialog.dataset.idleLeft), max: Number(dialog.dataset.maxLeft) });
})();
