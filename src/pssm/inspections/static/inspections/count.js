/* Count scanning with htmx: after each answer the serial field is emptied and keeps the
   focus, so that a handheld scanner can go on; the location chosen stays. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-scan-form]");
    if (!form) { return; }
    var field = form.querySelector("input[name=serial]");
    if (field) { field.value = ""; field.focus(); }
  });
})();
