// The running total of a score sheet, next to the pass mark. The server checks it again.
(function () {
  var inputs = document.querySelectorAll("input.score");
  var out = document.getElementById("running-total");
  var pass = parseFloat((document.getElementById("pass-mark").textContent || "0").replace(",", "."));
  var state = document.getElementById("pass-state");
  function update() {
    var total = 0;
    inputs.forEach(function (i) {
      var v = parseFloat((i.value || "").replace(",", "."));
      if (!isNaN(v)) { total += v; }
    });
    out.textContent = (Math.round(total * 100) / 100).toString().replace(".", ",");
    state.textContent = "(" + (total >= pass ? state.dataset.ok : state.dataset.below) + ")";
  }
  inputs.forEach(function (i) { i.addEventListener("input", update); });
  update();
})();
