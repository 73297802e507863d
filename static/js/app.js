// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader and keyboard users land on it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
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
