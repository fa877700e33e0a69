/* Behaviour of the pages, kept out of the HTML so that the Content-Security-Policy can forbid
   inline script: [data-print] prints the page, [data-autosubmit] submits its form when it
   changes, the menu button folds and unfolds the menu on a phone. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("#menu-toggle") : null;
    if (toggle) {
      var header = toggle.closest("header");
      var open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
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
