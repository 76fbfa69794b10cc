// Dealdesk works without this file; with it, a form sent back with errors puts the keyboard on
// the first field in error instead of the top of the page, Enter in a client picker's search
// finds (without it, Enter saves the form, and "Find" finds), and on a phone a list's filters
// fold under "Filters" so that the list begins on the first screen (without it they all show).

// On a phone, a list's filters other than its search box go into a disclosure, open when one of
// them is in error, its summary counting the filters the address sets (not its order or size).
// Registered before the focusing below: moving a field into the fold takes the keyboard off it.
var ORDERING = ["sort", "dir", "size"];
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 40rem)").matches) {
    return;
  }
  document.querySelectorAll('form.toolbar[role="search"]').forEach(function (form) {
    var fields = Array.prototype.filter.call(form.children, function (el) {
      return el.classList.contains("field") && !el.classList.contains("field-search");
    });
    if (fields.length < 2) {
      return;
    }
    var asked = new URLSearchParams(window.location.search);
    var set = fields.filter(function (field) {
      var control = field.querySelector("input[name], select[name]");
      return control && asked.get(control.name) && ORDERING.indexOf(control.name) < 0;
    }).length;
    var details = document.createElement("details");
    details.className = "filters";
    var summary = document.createElement("summary");
    summary.textContent = set ? "Filters (" + set + " set)" : "Filters";
    details.appendChild(summary);
    details.open = form.querySelector('[aria-invalid="true"]') !== null;
    fields[0].parentNode.insertBefore(details, fields[0]);
    fields.forEach(function (field) {
      details.appendChild(field);
    });
  });
});

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
