// Behaviour shared by every page (a static file: the Content-Security-Policy allows no inline
// script). The language switch submits its form as soon as a language is chosen.
(function () {
  var select = document.getElementById("lang-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
