// The document page: a sentence selected in the full text fills the "add an item" form with its offsets
// into the document's text (the page shows the text exactly once, as consecutive runs).
(function () {
  "use strict";
  var text = document.getElementById("document-text");
  var start = document.getElementById("add-start");
  var end = document.getElementById("add-end");
  var preview = document.getElementById("add-preview");
  var submit = document.getElementById("add-submit");
  var selected = document.getElementById("add-selected");
  if (!text || !start || !end) { return; }

  function offset(node, within) {
    // Characters of the text before `within` characters into `node`.
    var walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    var count = 0;
    while (walker.nextNode()) {
      if (walker.currentNode === node) { return count + within; }
      count += walker.currentNode.nodeValue.length;
    }
    return -1;
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
    if (range.startContainer.nodeType !== 3 || range.endContainer.nodeType !== 3) { return; }
    var a = offset(range.startContainer, range.startOffset);
    var b = offset(range.endContainer, range.endOffset);
    if (a < 0 || b <= a) { return; }
    start.value = String(a);
    end.value = String(b);
    preview.textContent = sel.toString();
    selected.value = sel.toString();
    preview.classList.remove("muted");
    submit.disabled = false;
  });
}());
