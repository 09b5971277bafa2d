/* The class kit's page/index.html: a student types their variant ID and goes to page/ID.html.
 * The ID is read as the tool reads it (spaces around it dropped, letters in any case); this
 * page knows no ID, so it holds nothing of any student's network. */
"use strict";

(function () {
  var ID = /^[0-9A-Z]+-[0-9]{2,}[A-Z]$/;   // teaching/variants.py: seed-number + check letter
  var box = document.getElementById("variant");
  document.getElementById("open").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = box.value.trim().toUpperCase();
    if (ID.test(id)) window.location.href = encodeURIComponent(id) + ".html";
    else document.getElementById("message").textContent =
      "\u201c" + box.value.trim() + "\u201d is not a variant ID (like 007-03R).";
  });
})();
