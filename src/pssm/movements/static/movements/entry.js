/* Serial entry on a voucher: a handheld scanner types the serial and Enter, which adds it at
   once; a pasted list (several lines) is added with the Add button or Ctrl+Enter. With htmx
   the answer replaces the entry part only, and the field gets the focus back. */
(function () {
  "use strict";
  function focusField() {
    var field = document.querySelector("[data-entry-field]");
    if (field) { field.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-entry-field]") || event.key !== "Enter") { return; }
    if (event.shiftKey) { return; }
    if (event.ctrlKey || event.metaKey || field.value.indexOf("\n") === -1) {
      event.preventDefault();
      if (field.value.trim()) { field.form.requestSubmit(); }
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "entry") { focusField(); }
  });
})();
