// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader and keyboard users land on it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
// A print button (shown only with JavaScript): the browser's print command otherwise.
document.addEventListener("click", function (evt) {
  if (evt.target.closest && evt.target.closest("[data-print]")) { window.print(); }
});
// htmx swaps an error fragment into a flash region instead of failing silently.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("flashes");
  if (box && evt.detail.xhr && evt.detail.xhr.responseText) {
    box.innerHTML = evt.detail.xhr.responseText;
  }
});
document.addEventListener("htmx:afterSwap", function (evt) {
  var summary = evt.detail.target.querySelector && evt.detail.target.querySelector("#error-summary");
  if (summary) { summary.focus(); }
});
// A form opened in a panel (an htmx GET of the panel) takes the focus, so keyboard users
// land in it; after a refused POST the error summary above already has it.
document.addEventListener("htmx:afterSettle", function (evt) {
  var cfg = evt.detail.requestConfig;
  if (!cfg || cfg.verb !== "get") { return; }
  var open = document.querySelector("[data-panel-open]");
  if (!open || open.querySelector("#error-summary")) { return; }
  var first = open.querySelector("input:not([type=hidden]), select, textarea, button");
  if (first && !(evt.detail.elt && evt.detail.elt.type === "search")) { first.focus(); }
});
// The earlier-cases panel beside the desk's registration form is refreshed while the clerk
// types. A box ticked (or unticked) while a refresh was on its way is what the clerk wants
// now: it wins over the state that refresh was sent with.
var relatedTicks = null;
document.addEventListener("htmx:beforeSwap", function (evt) {
  relatedTicks = null;
  var target = evt.detail.target;
  if (!target || target.id !== "related-cases") { return; }
  relatedTicks = {};
  target.querySelectorAll("input[type=checkbox]").forEach(function (box) {
    relatedTicks[box.name + "=" + box.value] = box.checked;
  });
});
document.addEventListener("htmx:afterSwap", function () {
  var panel = relatedTicks && document.getElementById("related-cases");
  if (!panel) { return; }
  panel.querySelectorAll("input[type=checkbox]").forEach(function (box) {
    var key = box.name + "=" + box.value;
    if (key in relatedTicks) { box.checked = relatedTicks[key]; }
  });
  relatedTicks = null;
});
