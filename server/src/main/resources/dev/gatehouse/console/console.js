// Gatehouse console: adds a "Copy" button beside each element marked data-copy. Nothing else; every page works without it.
document.querySelectorAll("[data-copy]").forEach(function (el) {
  var b = document.createElement("button");
  b.type = "button";
  b.textContent = "Copy";
  b.setAttribute("aria-label", "Copy " + (el.getAttribute("data-copy") || "value"));
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(el.textContent).then(function () { b.textContent = "Copied"; });
  });
  el.after(b);
});
