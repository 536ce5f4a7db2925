/* The timeline page: clicking a bar opens that day's events of that type. */
(function () {
  "use strict";
  var svg = document.getElementById("timeline");
  if (!svg) return;
  svg.addEventListener("click", function (ev) {
    var bar = ev.target.closest ? ev.target.closest("rect.bar") : null;
    if (!bar) return;
    var d = bar.getAttribute("data-day");
    window.location.href = "/events?type=" + encodeURIComponent(bar.getAttribute("data-type")) +
      "&since=" + d + "&until=" + d;
  });
  svg.style.cursor = "pointer";
})();
