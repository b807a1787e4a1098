// The ledger's batch form: "select this page" ticks every row's box; a checked box of "all that match"
// stands for every row, so the row boxes are set aside (the server re-runs the filter).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.id === "pick-page") {
    document.querySelectorAll('input[name="ids"][form="batch-form"]').forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
