/* The parent's consent form: warn before leaving with unsaved choices, say so next to
 * the Save button, and offer "yes/no to everything" per channel. Without scripts the
 * form works as before (these extras simply do not appear). No inline handlers (CSP). */
(function () {
  "use strict";
  var form = document.getElementById("consent-form");
  if (!form) return;

  var status = form.querySelector("[data-unsaved-status]");
  var saved = snapshot();
  var submitting = false;

  function snapshot() {
    var parts = [];
    form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      if (radio.checked) parts.push(radio.name + "=" + radio.value);
    });
    return parts.join("&");
  }

  function dirty() {
    return !submitting && snapshot() !== saved;
  }

  function update() {
    var unsaved = dirty();
    form.classList.toggle("consent-form--unsaved", unsaved);
    if (status) status.textContent = unsaved ? status.getAttribute("data-unsaved-text") : "";
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty()) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own warning
  });

  // Links inside the portal ask first too: some browsers skip the beforeunload prompt.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || !dirty() || link.getAttribute("href").charAt(0) === "#") return;
    if (window.confirm(form.getAttribute("data-leave-text"))) {
      saved = snapshot();  // the parent chose to leave: do not ask twice
    } else {
      event.preventDefault();
    }
  });

  form.querySelectorAll("[data-set-all-group]").forEach(function (group) {
    group.hidden = false;
    var fieldset = group.closest("fieldset");
    group.querySelectorAll("[data-set-all]").forEach(function (button) {
      button.addEventListener("click", function () {
        var value = button.getAttribute("data-set-all");
        fieldset.querySelectorAll('input[type="radio"][value="' + value + '"]').forEach(
          function (radio) { radio.checked = true; }
        );
        update();
      });
    });
  });
})();
