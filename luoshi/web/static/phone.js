// On a phone the filters fold away: a <details data-fold="phone"> starts closed there (open elsewhere,
// and open without scripts); a tap on its 筛选 opens it.
(function () {
  if (!window.matchMedia("(max-width: 640px)").matches) return;
  document.querySelectorAll("details[data-fold=phone]").forEach(function (d) { d.open = false; });
})();
