/* eventwatch dashboard: shared helpers (no external requests). */
(function () {
  "use strict";
  // One colour per PLOVER type: the same list as PALETTE in eventwatch/web/app.py.
  var TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
               "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
  var PALETTE = ["#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#17becf", "#9edae5", "#bcbd22", "#dbdb8d",
                 "#ff7f0e", "#ffbb78", "#e377c2", "#f7b6d2", "#9467bd", "#c5b0d5", "#8c564b", "#d62728"];
  var OTHER = "#7f7f7f";
  function colour(type) {
    var i = TYPES.indexOf(String(type || "").toUpperCase());
    return i < 0 ? OTHER : PALETTE[i];
  }
  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  // Empty filter inputs are left out of the URL, so that links stay short.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || form.method.toLowerCase() !== "get") return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.value === "") el.disabled = true;
    });
  });
  window.eventwatch = {TYPES: TYPES, PALETTE: PALETTE, colour: colour, escapeHtml: escapeHtml};
})();
