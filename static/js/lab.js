// The breeding lab: show the mutation strength next to its slider.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var slider = event.target;
    if (!slider.matches || !slider.matches("input[type=range][data-output]")) return;
    var output = document.getElementById(slider.dataset.output);
    if (output) output.textContent = slider.value;
  });
})();
