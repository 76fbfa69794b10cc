// Dealdesk works without this file; with it, a form sent back with errors puts the keyboard on
// the first field in error instead of the top of the page, and Enter in a client picker's search
// finds (without it, Enter saves the form, and "Find" finds).
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector('[aria-invalid="true"]');
  if (first) {
    first.focus();
  }
});

document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key === "Enter" && field.name === "client_q" && field.form) {
    var find = field.form.querySelector('button[name="find"]');
    if (find) {
      event.preventDefault();
      find.click();
    }
  }
});
