// The ledger's "包含待确认草稿" box: ticking it adds include_drafts=1 to the export links beside it.
(function () {
  function sync(box) {
    box.closest(".exports").querySelectorAll("a[href*='/export?']").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), location.href);
      if (box.checked) url.searchParams.set(box.dataset.param, "1"); else url.searchParams.delete(box.dataset.param);
      a.setAttribute("href", url.pathname + url.search);
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches(".exports input[data-param]")) sync(e.target);
  });
})();
