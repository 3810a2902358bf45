/* After a submit the server answers with a new page: a message ("Saved", an error after a
 * redirect) or a form with errors. A screen reader starts reading at the top and does not
 * read out a status region that was already there when the page loaded, so move the focus
 * to what the action said: an error about the whole form, else the first field in error
 * (read with its error through aria-describedby), else the messages. Nothing happens when
 * the page has none of these or something already has the focus (autofocus). */
(function () {
  "use strict";
  if (document.activeElement && document.activeElement !== document.body) return;
  var main = document.getElementById("main");
  if (!main) return;
  var target = main.querySelector(
    ".errorlist.nonfield, p.errorlist[role=alert], .photo-errors[role=alert]"
  ) || main.querySelector("[aria-invalid=true]") || main.querySelector("[data-focus-on-load]");
  if (!target) return;
  if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
})();
