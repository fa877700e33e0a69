// Ask before a form marked data-confirm is sent (deactivate, revoke, reset...). Without
// JavaScript the form is sent directly: the server still checks who may do it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
