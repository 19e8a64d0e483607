// A little help where it is worth it; every page works without this file.
(function () {
  "use strict";
  // Document page: jump from one match to the next (and back), showing "3 / 12".
  var marks = Array.prototype.slice.call(document.querySelectorAll(".text mark[id]"));
  var next = document.querySelector('[data-jump="next"]');
  var prev = document.querySelector('[data-jump="prev"]');
  var current = -1;
  function go(step, event) {
    if (event) { event.preventDefault(); }
    if (!marks.length) { return; }
    if (current >= 0) { marks[current].classList.remove("current"); }
    current = (current + step + marks.length) % marks.length;
    var mark = marks[current];
    mark.classList.add("current");
    mark.scrollIntoView({ block: "center" });
    var count = document.getElementById("match-count");
    if (count) { count.textContent = (current + 1) + " / " + marks.length; }
    if (prev) { prev.hidden = false; }
  }
  if (next) { next.addEventListener("click", function (e) { go(1, e); }); }
  if (prev) { prev.addEventListener("click", function (e) { go(-1, e); }); }
  document.addEventListener("keydown", function (e) {
    if (!marks.length || e.target.tagName === "INPUT") { return; }
    if (e.key === "n") { go(1); } else if (e.key === "N" || e.key === "p") { go(-1); }
  });
  // "Back to the results": the previous page (keeps its scroll), when we came from it.
  var back = document.querySelector("[data-back]");
  if (back && document.referrer.indexOf(location.origin + "/?") === 0) {
    back.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
  }
  // Search page: a changed sort or match option applies at once.
  var selects = document.querySelectorAll("form.search select");
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () { if (select.form.q.value) { select.form.submit(); } });
  });
  // "/" focuses the query box, as on many search sites.
  document.addEventListener("keydown", function (e) {
    var box = document.querySelector('input[name="q"]');
    if (e.key === "/" && box && e.target.tagName !== "INPUT") { e.preventDefault(); box.focus(); }
  });
})();
