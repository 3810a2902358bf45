// A "Print" button without an inline onclick (the Content-Security-Policy forbids those).
// Buttons may start hidden: without JavaScript they would do nothing.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
