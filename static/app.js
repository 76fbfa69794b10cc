// Dealdesk works without this file; with it, a form sent back with errors puts the keyboard on
// the first field in error instead of the top of the page.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector('[aria-invalid="true"]');
  if (first) {
    first.focus();
  }
});
