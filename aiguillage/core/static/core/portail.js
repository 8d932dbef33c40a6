// After htmx swaps in the next question, move the focus to it so that screen readers announce it.
document.addEventListener("htmx:afterSettle", function () {
  var question = document.getElementById("question");
  if (question) question.focus();
});
