/* Behaviour of the pages, kept out of the HTML so that the Content-Security-Policy can forbid
   inline script: [data-print] prints the page, [data-autosubmit] submits its form when it
   changes. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
