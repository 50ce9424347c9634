// Small behaviours of our own admin pages, in a file rather than inline attributes, so that the
// Content-Security-Policy (middleware/security_headers.py) needs no exception for them.
document.addEventListener("click", (event) => {
  const back = event.target.closest("[data-history-back]");
  if (back && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]") && event.target.form) {
    event.target.form.submit();
  }
});
